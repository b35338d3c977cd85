// The committed contract artefacts (schemas/events, schemas/examples, docs/contract.md) are what
// src/contract generates, every example validates, and the check really fails when they are not.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXAMPLES } from "../../scripts/contract-examples.js";
import {
  checkContractArtifacts,
  compareWithDisk,
  DOC_FILE,
  generateFiles,
  REPO_ROOT,
  validateExamples,
  writeFiles,
} from "../../scripts/generate-schemas.js";

type JsonRecord = { [key: string]: unknown };

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON copy of the named example after `change`, as an integrator might have broken it. */
function brokenExample(name: string, change: (event: JsonRecord) => void): { name: string; event: unknown } {
  const example = EXAMPLES.find((e) => e.name === name);
  if (example === undefined) throw new Error(`no example ${name}`);
  const event: unknown = JSON.parse(JSON.stringify(example.event));
  if (!isRecord(event)) throw new Error("an example is an object");
  change(event);
  return { name: `${name}.broken`, event };
}

function record(parent: JsonRecord, key: string): JsonRecord {
  const value = parent[key];
  if (!isRecord(value)) throw new Error(`${key} is not an object`);
  return value;
}

describe("contract artefacts", () => {
  it("schemas/ and docs/contract.md are current (if not: run npm run schemas)", () => {
    expect(checkContractArtifacts()).toEqual([]);
  });

  it("generates the same bytes twice", () => {
    expect(generateFiles()).toEqual(generateFiles());
  });

  it("documents every field of every JSON Schema in docs/contract.md", () => {
    const doc = readFileSync(join(REPO_ROOT, DOC_FILE), "utf8");
    for (const file of generateFiles().filter((f) => f.path.startsWith("schemas/events/") && !f.path.includes("hotline-event"))) {
      const schema: unknown = JSON.parse(file.content);
      if (!isRecord(schema)) throw new Error(`${file.path} is not an object`);
      const data = record(record(schema, "properties"), "data");
      for (const field of Object.keys(record(data, "properties"))) expect(doc).toContain(`\`data.${field}\``);
    }
  });
});

describe("the check fails when it should", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("names stale, missing and extra files", () => {
    dir = mkdtempSync(join(tmpdir(), "hotline-contract-"));
    const files = generateFiles();
    writeFiles(dir, files);
    expect(compareWithDisk(dir, files)).toEqual([]);

    writeFileSync(join(dir, "schemas/events/ticket.closed.schema.json"), "{}\n");
    rmSync(join(dir, "schemas/examples/call.ended.json"));
    writeFileSync(join(dir, "schemas/examples/ticket.unknown.json"), "{}\n");
    writeFileSync(join(dir, DOC_FILE), "# edited by hand\n");

    const problems = compareWithDisk(dir, files);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^stale: schemas\/events\/ticket\.closed\.schema\.json/),
        expect.stringMatching(/^missing: schemas\/examples\/call\.ended\.json/),
        expect.stringMatching(/^extra: schemas\/examples\/ticket\.unknown\.json/),
        expect.stringMatching(/^stale: docs\/contract\.md/),
      ]),
    );
  });

  it("rejects an example without a required field, with zod and with the JSON Schema", () => {
    const broken = brokenExample("ticket.created", (e) => delete record(e, "data")["category"]);
    const problems = validateExamples([...EXAMPLES, broken]);
    const about = problems.filter((p) => p.includes("schemas/examples/ticket.created.broken.json"));
    expect(about).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/zod ticket\.created rejects it: data\.category: /),
        expect.stringMatching(/zod hotlineEvent rejects it: data\.category: /),
        expect.stringMatching(/JSON Schema ticket\.created\.schema\.json rejects it: .*must have required property 'category'/),
        expect.stringMatching(/JSON Schema hotline-event\.schema\.json rejects it/),
      ]),
    );
    expect(problems).toHaveLength(about.length);
  });

  it("rejects lat without lon in the JSON Schema too (dependentRequired)", () => {
    const broken = brokenExample("ticket.created", (e) => delete record(record(e, "data"), "location")["lon"]);
    const problems = validateExamples([broken]).filter((p) => !p.startsWith("no example for"));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/zod ticket\.created rejects it: data\.location\.lat: lat and lon come together/),
        expect.stringMatching(/JSON Schema ticket\.created\.schema\.json rejects it: .*must have property lon when property lat is present/),
      ]),
    );
  });

  it("rejects unknown fields in the JSON Schema too (closed objects)", () => {
    const broken = brokenExample("call.ended", (e) => {
      record(e, "data")["agent_name"] = "王芳";
    });
    const problems = validateExamples([broken]).filter((p) => !p.startsWith("no example for"));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/zod call\.ended rejects it: data: Unrecognized key: "agent_name"/),
        expect.stringMatching(/JSON Schema call\.ended\.schema\.json rejects it: .*must NOT have additional properties/),
      ]),
    );
  });

  it("leaves the category leaf rule to zod: the JSON Schema cannot compare two values", () => {
    const broken = brokenExample("ticket.created", (e) => {
      record(record(e, "data"), "category")["code"] = "02.05";
    });
    const problems = validateExamples([broken]).filter((p) => !p.startsWith("no example for"));
    expect(problems).toEqual([
      expect.stringMatching(/zod ticket\.created rejects it: data\.category\.code: category\.code must equal/),
      expect.stringMatching(/zod hotlineEvent rejects it: data\.category\.code/),
    ]);
  });

  it("names a type without an example, an unknown type and a misnamed example", () => {
    const problems = validateExamples([
      ...EXAMPLES.filter((e) => e.event.type !== "ticket.merged"),
      brokenExample("ticket.accepted", (e) => {
        e["type"] = "ticket.archived";
      }),
      { name: "call.ended.renamed", event: EXAMPLES.find((e) => e.name === "ticket.closed")?.event },
    ]);
    expect(problems).toEqual([
      'example schemas/examples/ticket.accepted.broken.json: unknown type "ticket.archived"',
      "example schemas/examples/call.ended.renamed.json: the name must start with its type ticket.closed",
      "no example for ticket.merged: add one to scripts/contract-examples.ts",
    ]);
  });
});
