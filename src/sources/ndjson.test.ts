// Unit tests of the NDJSON source over injected streams: line splitting on raw bytes, line numbers, batching and the end.
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SensorError } from "../errors.js";
import type { SourceMessage } from "./message.js";
import { createNdjsonSource } from "./ndjson.js";

const FILE = "replay.ndjson";

function sourceOf(chunks: readonly (Buffer | string)[]) {
  return createNdjsonSource({ file: FILE, stream: Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))) });
}

/** Every batch until the source says it is done (the terminating `null` is not included). */
async function batches(chunks: readonly (Buffer | string)[], maxRows = 1_000): Promise<SourceMessage[][]> {
  const source = sourceOf(chunks);
  await source.start();
  const out: SourceMessage[][] = [];
  for (let batch = await source.next(maxRows, 10); batch !== null; batch = await source.next(maxRows, 10)) {
    out.push(batch);
    if (out.length > 10_000) throw new Error("the source never ended");
  }
  await source.close();
  return out;
}

async function messages(chunks: readonly (Buffer | string)[]): Promise<SourceMessage[]> {
  return (await batches(chunks)).flat();
}

const lineNumbers = (all: readonly SourceMessage[]) => all.map((m) => (m.position.kind === "file" ? m.position.line : -1));
const texts = (all: readonly SourceMessage[]) => all.map((m) => Buffer.from(m.bytes).toString("utf8"));

describe("createNdjsonSource", () => {
  it("yields each line with its file position", async () => {
    const all = await messages(['{"a":1}\n{"b":2}\n']);
    expect(texts(all)).toEqual(['{"a":1}', '{"b":2}']);
    expect(all.map((m) => m.position)).toEqual([
      { kind: "file", file: FILE, line: 1 },
      { kind: "file", file: FILE, line: 2 },
    ]);
  });

  it("joins lines split across chunks, including a chunk with no newline at all", async () => {
    const all = await messages(['{"a":', "1", '}\n{"b"', ":2}\n{", '"c":3}\n']);
    expect(texts(all)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(lineNumbers(all)).toEqual([1, 2, 3]);
  });

  it("joins a multi-byte UTF-8 character split across chunks byte for byte", async () => {
    const line = Buffer.from('{"text":"诉求人来电"}');
    const at = line.indexOf(Buffer.from("诉")) + 1; // inside the three bytes of 诉
    const all = await messages([line.subarray(0, at), line.subarray(at, at + 1), Buffer.concat([line.subarray(at + 1), Buffer.from("\n")])]);
    expect(all).toHaveLength(1);
    expect(Buffer.from(all[0]!.bytes).equals(line)).toBe(true);
    expect(texts(all)).toEqual(['{"text":"诉求人来电"}']);
  });

  it("drops the CR of CRLF line endings but keeps a CR inside a line", async () => {
    const all = await messages(["a\r\nb\r", "\nc\rd\r\n"]);
    expect(texts(all)).toEqual(["a", "b", "c\rd"]);
  });

  it("skips blank lines but still counts them, so positions match the file", async () => {
    const all = await messages(["\n", "a\n\n   \n\t\r\n", "b\n\n"]);
    expect(texts(all)).toEqual(["a", "b"]);
    expect(lineNumbers(all)).toEqual([2, 6]);
  });

  it("yields a last line without a trailing newline, and no extra line after a trailing newline", async () => {
    expect(texts(await messages(["a\nb"]))).toEqual(["a", "b"]);
    expect(lineNumbers(await messages(["a\nb"]))).toEqual([1, 2]);
    expect(texts(await messages(["a\nb\n"]))).toEqual(["a", "b"]);
  });

  it("keeps invalid UTF-8 bytes exactly, so ingest can dead-letter them", async () => {
    const bad = Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]);
    const all = await messages([bad.subarray(0, 3), Buffer.concat([bad.subarray(3), Buffer.from([0x0a])]), Buffer.from([0xed, 0xa0, 0x80])]);
    expect(all).toHaveLength(2);
    expect(Buffer.from(all[0]!.bytes).equals(bad)).toBe(true);
    expect(Buffer.from(all[1]!.bytes).equals(Buffer.from([0xed, 0xa0, 0x80]))).toBe(true);
  });

  it("returns at most maxRows per batch, in order, then null", async () => {
    const lines = Array.from({ length: 7 }, (_, i) => `{"n":${i}}\n`);
    const all = await batches([lines.join("")], 3);
    expect(all.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(lineNumbers(all.flat())).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("keeps returning null once exhausted", async () => {
    const source = sourceOf(["a\n"]);
    await source.start();
    expect(await source.next(10, 10)).toHaveLength(1);
    expect(await source.next(10, 10)).toBeNull();
    expect(await source.next(10, 10)).toBeNull();
  });

  it("returns null at once for an empty stream", async () => {
    expect(await batches([])).toEqual([]);
    expect(await batches(["\n\n"])).toEqual([]);
  });

  it("refuses to read before start", async () => {
    const source = sourceOf(["a\n"]);
    await expect(source.next(1, 1)).rejects.toMatchObject({ code: "SOURCE_UNAVAILABLE" });
  });

  it("turns a failing stream into SOURCE_UNAVAILABLE naming the file", async () => {
    const stream = new Readable({
      read() {
        this.destroy(new Error("EIO: disk gone"));
      },
    });
    const source = createNdjsonSource({ file: FILE, stream });
    await source.start();
    const error: unknown = await source.next(10, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SensorError);
    expect(error).toMatchObject({ code: "SOURCE_UNAVAILABLE", retriable: true });
    expect((error as SensorError).message).toContain(FILE);
    expect((error as SensorError).message).toContain("disk gone");
  });

  it("yields every non-blank line once, whatever the chunk boundaries", async () => {
    const line = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes.map((b) => (b === 0x0a ? 0x41 : b))));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 2_000 }), { maxLength: 20 }), async (lines, cuts) => {
        const whole = Buffer.concat(lines.flatMap((l) => [l, Buffer.from("\n")]));
        const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => whole.subarray(from, [...points, whole.length][i]!)).filter((c) => c.length > 0);
        const expected = lines
          .map((l, i) => ({ bytes: l.at(-1) === 0x0d ? l.subarray(0, -1) : l, line: i + 1 }))
          .filter(({ bytes }) => bytes.some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d));
        const all = await messages(chunks);
        expect(all.map((m) => ({ bytes: Buffer.from(m.bytes), line: m.position.kind === "file" ? m.position.line : -1 }))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
