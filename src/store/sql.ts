// Literal values written into SQL text. Query parameters travel in the URL over HTTP, where a
// batch's thousands of ids would exceed the server's URI limit, so large sets go in the body as
// literals, quoted here and nowhere else.

/** A ClickHouse string literal: backslash and quote escaped, so no value can end the literal. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** A ClickHouse array of string literals, e.g. for `x IN [...]`. */
export function stringArrayLiteral(values: readonly string[]): string {
  return `[${values.map(stringLiteral).join(",")}]`;
}
