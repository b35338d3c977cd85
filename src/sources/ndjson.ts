// A finite NDJSON stream (a file or stdin) for replays and backfills: one input per line, split on
// raw bytes so invalid UTF-8 reaches ingest intact and becomes a dead letter, not a crash.
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { SensorError } from "../errors.js";
import type { Source, SourceMessage } from "./message.js";

export interface NdjsonSourceOptions {
  /** A file path, or "-" for standard input. */
  readonly file: string;
  /** Injected for tests; defaults to the file (or process.stdin for "-"). */
  readonly stream?: Readable;
}

const NEWLINE = 0x0a;

export function createNdjsonSource(options: NdjsonSourceOptions): Source {
  const label = options.file;
  let stream: Readable | undefined;
  let iterator: AsyncIterator<Buffer> | undefined;
  let pending: Buffer[] = []; // bytes of the current, unfinished line
  let queued: SourceMessage[] = [];
  let line = 0;
  let ended = false;

  function takeLines(chunk: Buffer): void {
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      pending.push(chunk.subarray(start, at));
      emit(Buffer.concat(pending));
      pending = [];
      start = at + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }

  function emit(bytes: Buffer): void {
    line += 1;
    const trimmed = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    if (isBlank(trimmed)) return; // blank lines separate nothing in NDJSON; they are not inputs
    queued.push({ bytes: trimmed, position: { kind: "file", file: label, line } });
  }

  return {
    name: "ndjson",
    async start() {
      try {
        stream = options.stream ?? (options.file === "-" ? process.stdin : createReadStream(options.file));
        iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      } catch (error) {
        throw new SensorError("SOURCE_UNAVAILABLE", `cannot read ${label}: ${(error as Error).message}`, { cause: error });
      }
    },
    async next(maxRows) {
      if (iterator === undefined) throw new SensorError("SOURCE_UNAVAILABLE", "the NDJSON source was not started");
      while (queued.length < maxRows && !ended) {
        let step: IteratorResult<Buffer>;
        try {
          step = await iterator.next();
        } catch (error) {
          throw new SensorError("SOURCE_UNAVAILABLE", `cannot read ${label}: ${(error as Error).message}`, { cause: error });
        }
        if (step.done === true) {
          ended = true;
          if (pending.length > 0) emit(Buffer.concat(pending));
          pending = [];
        } else {
          takeLines(typeof step.value === "string" ? Buffer.from(step.value) : step.value);
        }
      }
      if (queued.length === 0 && ended) return null;
      const batch = queued.slice(0, maxRows);
      queued = queued.slice(maxRows);
      return batch;
    },
    async ack() {},
    async idle() {},
    async close() {
      ended = true;
      if (stream !== undefined && stream !== process.stdin) stream.destroy();
    },
  };
}

function isBlank(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}
