// Splits the body of POST /v1/events into its items while it arrives: a JSON array into its
// top-level values, one JSON object into itself, NDJSON into its non-blank lines. The JSON scanner
// only follows strings and bracket depth; each item's bytes are judged later by the door
// (contract/ingest.ts), like any other input. Counting here, not after a JSON.parse of the whole
// body, is what bounds the work: the item past HOTLINE_API_MAX_EVENTS stops the request with a 413
// before another byte is read, and nothing is parsed twice.
import { BodyError } from "./body.js";

/** Items nested deeper than this are refused without being parsed; no contract event nests so deep. */
export const MAX_ITEM_DEPTH = 32;

export interface ItemSpan {
  /** Byte offsets of the item in the whole body: [start, end). */
  readonly start: number;
  readonly end: number;
  /** NDJSON: the item's line, from 1. */
  readonly line?: number;
  /** A JSON item that nests deeper than MAX_ITEM_DEPTH. */
  readonly tooDeep?: boolean;
}

export interface RawItem {
  readonly bytes?: Uint8Array;
  readonly line?: number;
  /** Set when the item was refused before the door. */
  readonly refused?: { readonly reasonCode: "nested_too_deep"; readonly message: string };
}

export interface ItemSplitter {
  /** Scans the next chunk of the body. Throws BodyError: 413 past the item limit, 400 for a body of the wrong shape. */
  push(chunk: Uint8Array): void;
  /** After the last chunk: where the items are. Throws BodyError 400 for an empty or unfinished body. */
  end(): ItemSpan[];
}

export type BodyFormat = "json" | "ndjson";

export function createItemSplitter(format: BodyFormat, maxItems: number): ItemSplitter {
  return format === "ndjson" ? ndjsonSplitter(maxItems) : jsonSplitter(maxItems);
}

/** The items of a body the splitter has accepted. */
export function itemsOf(body: Buffer, spans: readonly ItemSpan[]): RawItem[] {
  return spans.map((span): RawItem => {
    const line = span.line === undefined ? {} : { line: span.line };
    if (span.tooDeep === true) {
      return { ...line, refused: { reasonCode: "nested_too_deep", message: `the item nests deeper than ${MAX_ITEM_DEPTH} levels; no contract event does` } };
    }
    return { ...line, bytes: body.subarray(span.start, span.end) };
  });
}

const EMPTY = "the body is empty: send a JSON array of events, one event, or NDJSON (one event per line)";
const tooMany = (maxItems: number) =>
  new BodyError(413, "payload_too_large", `more than ${maxItems} events in one request, above the limit of ${maxItems} (HOTLINE_API_MAX_EVENTS): split the body`);
const badShape = (what: string) => new BodyError(400, "bad_request", `${what}: send a JSON array of contract events, or one event object`);

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const BOM = [0xef, 0xbb, 0xbf];

const isSpace = (b: number) => b === SPACE || b === LF || b === CR || b === TAB;

/**
 * Where the scanner is: before the body's value, inside the array expecting an item (first: `]`
 * may close it at once), after an item expecting `,` or `]`, inside an item, or after the end.
 */
type Phase = "start" | "first" | "value" | "comma" | "item" | "done";
type ItemKind = "container" | "string" | "scalar";

function jsonSplitter(maxItems: number): ItemSplitter {
  const spans: ItemSpan[] = [];
  let phase: Phase = "start";
  let top: "array" | "object" = "array";
  let offset = 0;
  // The item being scanned.
  let kind: ItemKind = "scalar";
  let start = 0;
  let depth = 0;
  let tooDeep = false;
  let inString = false;
  let escaped = false;

  const finishItem = (end: number) => {
    spans.push(tooDeep ? { start, end, tooDeep } : { start, end });
    phase = top === "array" ? "comma" : "done";
  };
  const beginItem = (b: number, at: number) => {
    if (spans.length >= maxItems) throw tooMany(maxItems);
    phase = "item";
    start = at;
    depth = 0;
    tooDeep = false;
    inString = false;
    escaped = false;
    if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      kind = "container";
      depth = 1;
    } else if (b === QUOTE) {
      kind = "string";
      inString = true;
    } else kind = "scalar";
  };

  return {
    push(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        const at = offset + i;
        switch (phase) {
          case "item":
            if (inString) {
              if (escaped) escaped = false;
              else if (b === BACKSLASH) escaped = true;
              else if (b === QUOTE) {
                inString = false;
                if (kind === "string") finishItem(at + 1);
              }
            } else if (kind === "scalar") {
              if (isSpace(b) || b === COMMA || b === CLOSE_ARRAY) {
                finishItem(at);
                i--; // the delimiter belongs to the array
              }
            } else if (b === QUOTE) inString = true;
            else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
              depth += 1;
              if (depth > MAX_ITEM_DEPTH) tooDeep = true;
            } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
              depth -= 1;
              if (depth === 0) finishItem(at + 1);
            }
            break;
          case "start":
            if (isSpace(b) || (at < BOM.length && b === BOM[at])) break;
            if (b === OPEN_ARRAY) phase = "first";
            else if (b === OPEN_OBJECT) {
              top = "object";
              beginItem(b, at);
            } else throw badShape("the body must be a JSON array of events or one event object, and it starts with neither [ nor {");
            break;
          case "first":
          case "value":
            if (isSpace(b)) break;
            if (b === CLOSE_ARRAY) {
              if (phase === "value") throw badShape(`the body is not valid JSON (a comma before ] after item ${spans.length - 1})`);
              phase = "done";
            } else if (b === COMMA) throw badShape(`the body is not valid JSON (an empty item at index ${spans.length})`);
            else beginItem(b, at);
            break;
          case "comma":
            if (isSpace(b)) break;
            if (b === COMMA) phase = "value";
            else if (b === CLOSE_ARRAY) phase = "done";
            else throw badShape(`the body is not valid JSON (expected , or ] after item ${spans.length - 1})`);
            break;
          case "done":
            if (!isSpace(b)) throw badShape(`the body is not valid JSON (text after the closing ${top === "array" ? "]" : "}"})`);
            break;
        }
      }
      offset += chunk.length;
    },
    end() {
      if (phase === "item" && kind === "scalar" && !inString) finishItem(offset);
      if (phase === "start") throw new BodyError(400, "bad_request", EMPTY);
      if (phase !== "done") throw badShape(`the body is not valid JSON (it ends before the ${top === "array" ? "array" : "object"} is closed: truncated?)`);
      return spans;
    },
  };
}

function ndjsonSplitter(maxItems: number): ItemSplitter {
  const spans: ItemSpan[] = [];
  let offset = 0;
  let lineStart = 0;
  let line = 1;
  let blank = true;
  let previous = -1;

  const finishLine = (end: number) => {
    if (!blank) {
      if (spans.length >= maxItems) throw tooMany(maxItems);
      spans.push({ start: lineStart, end: previous === CR && end > lineStart ? end - 1 : end, line });
    }
    line += 1;
    blank = true;
  };

  return {
    push(chunk) {
      let from = 0;
      while (from < chunk.length) {
        const newline = chunk.indexOf(LF, from);
        const to = newline === -1 ? chunk.length : newline;
        if (blank) {
          for (let i = from; i < to; i++) {
            const b = chunk[i]!;
            if (b !== SPACE && b !== TAB && b !== CR) {
              blank = false;
              break;
            }
          }
        }
        if (to > from) previous = chunk[to - 1]!;
        if (newline === -1) break;
        finishLine(offset + newline);
        previous = LF;
        lineStart = offset + newline + 1;
        from = newline + 1;
      }
      offset += chunk.length;
    },
    end() {
      finishLine(offset);
      if (spans.length === 0) throw new BodyError(400, "bad_request", EMPTY);
      return spans;
    },
  };
}
