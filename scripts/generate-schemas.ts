// Generates the committed contract artefacts from src/contract: JSON Schemas (schemas/events/),
// example events (schemas/examples/) and docs/contract.md. `--check` regenerates them in memory,
// fails on any difference from disk, and validates every example with zod and with the JSON Schema.
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { z } from "zod";
import { EVENT_TYPES, eventSchemas, hotlineEvent, isEventType, type EventType } from "../src/contract/event.js";
import { location } from "../src/contract/fields.js";
import { EXAMPLES, type Example } from "./contract-examples.js";
import { CROSS_FIELD_RULES, refinementPaths, renderContractDoc, type Json, type JsonObject } from "./contract-doc.js";

export const SCHEMA_BASE_URL = "https://hotline-sensor.dev/schemas/v1/";
export const EVENTS_DIR = "schemas/events";
export const EXAMPLES_DIR = "schemas/examples";
export const DOC_FILE = "docs/contract.md";
/** Directories whose every file is generated: a file there that the generator does not produce is an error. */
const OWNED_DIRS = [EVENTS_DIR, EXAMPLES_DIR] as const;
const UNION = "hotline-event";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A generated file: its path relative to the repository root (with `/`) and its exact content. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export const schemaFileName = (type: EventType | typeof UNION) => `${type}.schema.json`;
export const schemaId = (type: EventType | typeof UNION) => `${SCHEMA_BASE_URL}${schemaFileName(type)}`;

/** The JSON Schema of every event type and of the union, keyed by type (the union under `hotline-event`). */
export function generateJsonSchemas(): ReadonlyMap<EventType | typeof UNION, JsonObject> {
  const schemas = new Map<EventType | typeof UNION, JsonObject>();
  for (const type of EVENT_TYPES) schemas.set(type, toJsonSchema(eventSchemas[type], type));
  schemas.set(UNION, toJsonSchema(hotlineEvent, UNION));
  return schemas;
}

function toJsonSchema(schema: z.ZodType, name: EventType | typeof UNION): JsonObject {
  const generated = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "throw",
    override: (ctx) => {
      // zod refinements vanish from JSON Schema; this one has a standard keyword, so keep it.
      if (ctx.zodSchema === location) ctx.jsonSchema.dependentRequired = { lat: ["lon"], lon: ["lat"] };
    },
  });
  const canonical = canonicalise({ ...generated, $id: schemaId(name) });
  if (!isJsonObject(canonical)) throw new Error(`the JSON Schema of ${name} is not an object`);
  return canonical;
}

// Keywords in a fixed reading order, so the files do not churn when zod changes its own order.
const KEYWORD_ORDER = [
  "$schema", "$id", "title", "description", "type", "const", "enum", "format", "pattern",
  "minLength", "maxLength", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf",
  "minItems", "maxItems", "items", "properties", "required", "dependentRequired", "additionalProperties",
  "anyOf", "oneOf", "allOf", "$defs",
];
/** Keywords whose value maps names to schemas: their keys keep the contract's declaration order. */
const NAMED_MAPS = new Set(["properties", "$defs", "dependentRequired", "patternProperties"]);
/** Keywords whose value is instance data, copied as is. */
const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples"]);

function keywordRank(key: string): number {
  const rank = KEYWORD_ORDER.indexOf(key);
  return rank === -1 ? KEYWORD_ORDER.length : rank;
}

/** A plain JSON copy with schema keywords in a stable order. */
function canonicalise(value: unknown, namedMap = false): Json {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => canonicalise(v));
  if (typeof value === "object") {
    const entries: [string, unknown][] = Object.entries(value).filter(([, v]: [string, unknown]) => v !== undefined);
    if (!namedMap) entries.sort(([a], [b]) => keywordRank(a) - keywordRank(b) || (keywordRank(a) === KEYWORD_ORDER.length ? a.localeCompare(b) : 0));
    const out: Record<string, Json> = {};
    for (const [key, v] of entries) {
      out[key] = namedMap ? canonicalise(v) : DATA_KEYWORDS.has(key) ? plainJson(v) : canonicalise(v, NAMED_MAPS.has(key));
    }
    return out;
  }
  throw new Error(`cannot write ${typeof value} to JSON`);
}

function plainJson(value: unknown): Json {
  const json: unknown = JSON.parse(JSON.stringify(value));
  return canonicalise(json, true);
}

function isJsonObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every generated file, in memory. */
export function generateFiles(
  examples: readonly Example[] = EXAMPLES,
  schemas: ReadonlyMap<EventType | typeof UNION, JsonObject> = generateJsonSchemas(),
): GeneratedFile[] {
  const undocumented = EVENT_TYPES.flatMap((type) => refinementPaths(eventSchemas[type])).filter(
    (path) => !CROSS_FIELD_RULES.some((rule) => rule.at === path),
  );
  if (undocumented.length > 0) {
    throw new Error(`zod refinements at ${[...new Set(undocumented)].join(", ")} are not described: add them to CROSS_FIELD_RULES in scripts/contract-doc.ts`);
  }
  const files: GeneratedFile[] = [...schemas].map(([name, schema]) => ({ path: `${EVENTS_DIR}/${schemaFileName(name)}`, content: jsonText(schema) }));
  for (const { name, event } of examples) files.push({ path: `${EXAMPLES_DIR}/${name}.json`, content: jsonText(event) });
  const perType = new Map<EventType, JsonObject>();
  for (const type of EVENT_TYPES) perType.set(type, requireSchema(schemas, type));
  const examplesByType = new Map<EventType, string[]>();
  for (const { name, event } of examples) examplesByType.set(event.type, [...(examplesByType.get(event.type) ?? []), `${name}.json`]);
  files.push({
    path: DOC_FILE,
    content: renderContractDoc({ types: EVENT_TYPES, schemas: perType, schemaFile: schemaFileName, examplesByType }),
  });
  return files;
}

function requireSchema(schemas: ReadonlyMap<EventType | typeof UNION, JsonObject>, name: EventType | typeof UNION): JsonObject {
  const schema = schemas.get(name);
  if (schema === undefined) throw new Error(`no JSON Schema generated for ${name}`);
  return schema;
}

/** Differences between the generated files and the disk under `root`: stale, missing and extra files. */
export function compareWithDisk(root: string, files: readonly GeneratedFile[]): string[] {
  const problems: string[] = [];
  const expected = new Set(files.map((f) => f.path));
  for (const file of files) {
    const onDisk = readIfExists(join(root, file.path));
    if (onDisk === undefined) problems.push(`missing: ${file.path}`);
    else if (onDisk !== file.content) problems.push(`stale: ${file.path} differs from what src/contract and scripts/ generate`);
  }
  for (const dir of OWNED_DIRS) {
    for (const name of listFiles(join(root, dir))) {
      const path = `${dir}/${name}`;
      if (!expected.has(path)) problems.push(`extra: ${path} is not generated (every file in ${dir}/ is)`);
    }
  }
  return problems;
}

/** An example as validation sees it: anything, so that a broken one can be checked too. */
export interface ExampleInput {
  readonly name: string;
  readonly event: unknown;
}

/**
 * Problems with the examples: one that zod or the generated JSON Schema (per type and union)
 * rejects, a type without an example, a name that does not start with its type, a duplicate name.
 */
export function validateExamples(examples: readonly ExampleInput[], schemas: ReadonlyMap<EventType | typeof UNION, JsonObject> = generateJsonSchemas()): string[] {
  const problems: string[] = [];
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormatsModule.default(ajv);
  for (const schema of schemas.values()) ajv.addSchema(schema);
  const names = new Set<string>();
  const covered = new Set<EventType>();
  for (const { name, event } of examples) {
    const where = `example ${EXAMPLES_DIR}/${name}.json`;
    if (names.has(name)) problems.push(`${where}: duplicate example name`);
    names.add(name);
    // Examples are written as TypeScript, but validate what is written to disk, as an integrator would.
    const json: unknown = JSON.parse(JSON.stringify(event));
    const type = typeof json === "object" && json !== null && "type" in json ? json.type : undefined;
    if (!isEventType(type)) {
      problems.push(`${where}: unknown type ${JSON.stringify(type)}`);
      continue;
    }
    const eventType = type;
    covered.add(eventType);
    if (name !== eventType && !name.startsWith(`${eventType}.`)) problems.push(`${where}: the name must start with its type ${eventType}`);
    for (const [label, schema] of [[eventType, eventSchemas[eventType]], ["hotlineEvent", hotlineEvent]] as const) {
      const parsed = schema.safeParse(json);
      if (!parsed.success) problems.push(`${where}: zod ${label} rejects it: ${describeZodIssues(parsed.error)}`);
    }
    let rejectedByType = false;
    for (const schemaName of [eventType, UNION] as const) {
      const validate = ajv.getSchema(schemaId(schemaName));
      if (validate === undefined) throw new Error(`JSON Schema ${schemaId(schemaName)} was not added`);
      if (validate(json)) continue;
      // The union reports every branch's errors; the per-type schema's are the readable ones.
      const errors = schemaName === UNION && rejectedByType ? "as above" : ajv.errorsText(validate.errors, { dataVar: "event" });
      problems.push(`${where}: JSON Schema ${schemaFileName(schemaName)} rejects it: ${errors}`);
      rejectedByType = true;
    }
  }
  for (const type of EVENT_TYPES) {
    if (!covered.has(type)) problems.push(`no example for ${type}: add one to scripts/contract-examples.ts`);
  }
  return problems;
}

function describeZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length === 0 ? "(event)" : i.path.join(".")}: ${i.message}`).join("; ");
}

/** Everything `--check` verifies; an empty list means the committed artefacts are current and valid. */
export function checkContractArtifacts(root: string = REPO_ROOT, examples: readonly Example[] = EXAMPLES): string[] {
  const schemas = generateJsonSchemas();
  return [...validateExamples(examples, schemas), ...compareWithDisk(root, generateFiles(examples, schemas))];
}

/** Writes every generated file under `root` and removes files in the owned directories that are no longer generated. */
export function writeFiles(root: string, files: readonly GeneratedFile[]): void {
  const expected = new Set(files.map((f) => f.path));
  for (const dir of OWNED_DIRS) {
    for (const name of listFiles(join(root, dir))) if (!expected.has(`${dir}/${name}`)) rmSync(join(root, dir, name));
  }
  for (const file of files) {
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    if (readIfExists(path) !== file.content) writeFileSync(path, file.content);
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

const isNotFound = (error: unknown) => error instanceof Error && "code" in error && error.code === "ENOENT";

function main(args: readonly string[]): number {
  const check = args.includes("--check");
  if (check) {
    const problems = checkContractArtifacts();
    if (problems.length === 0) {
      console.log("contract artefacts are up to date and every example validates");
      return 0;
    }
    for (const p of problems) console.error(p);
    console.error(`\n${problems.length} problem(s). Fix the examples if any is rejected, then run npm run schemas and commit the result.`);
    return 1;
  }
  const invalid = validateExamples(EXAMPLES);
  if (invalid.length > 0) {
    for (const p of invalid) console.error(p);
    console.error("\nnothing written: fix the examples in scripts/contract-examples.ts first");
    return 1;
  }
  const files = generateFiles();
  writeFiles(REPO_ROOT, files);
  console.log(`wrote ${files.length} files under ${EVENTS_DIR}/, ${EXAMPLES_DIR}/ and ${DOC_FILE}`);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href) process.exitCode = main(process.argv.slice(2));
