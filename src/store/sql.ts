// Literal values written into SQL text. Query parameters travel in the URL over HTTP, where a
// batch's thousands of ids would exceed the server's URI limit, so large sets go in the body as
// literals, quoted here and nowhere else.

/** A ClickHouse string literal: backslash and quote escaped, so no value can end the literal. */
export function stringLiteral(value: string): string {
  // most values (ids, names) need no escaping: skip the copy
  if (value.indexOf("'") === -1 && value.indexOf("\\") === -1) return `'${value}'`;
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A ClickHouse array of string literals, e.g. for `x IN [...]`. */
export function stringArrayLiteral(values: readonly string[]): string {
  return `[${values.map(stringLiteral).join(",")}]`;
}

/**
 * A ClickHouse heredoc string, `$tag$…$tag$`: the text goes in as it is, unescaped, under a tag it
 * does not contain, so no value can end the literal. For large texts (an insert's rows), where
 * escaping costs a pass over the text and makes it longer for the server to parse.
 */
export function heredocLiteral(value: string): string {
  let tag = "$rows$";
  // nor may the text end with the tag less its last `$`: with the closing tag after it, that would close it
  for (let n = 1; value.includes(tag) || value.endsWith(tag.slice(0, -1)); n++) tag = `$rows${n}$`;
  return `${tag}${value}${tag}`;
}
