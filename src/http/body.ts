// Reading a request body under a byte limit, chunk by chunk as it arrives, so a listener (the item
// splitter of POST /v1/events) can refuse it before the rest is read. Fastify's own body reader
// only counts bytes; here a refusal from the listener stops the reading as well.
import type { Readable } from "node:stream";

/** A request the body reader or the item splitter refuses as a whole: a 4xx with this code and message. */
export class BodyError extends Error {
  constructor(
    readonly statusCode: 400 | 413,
    readonly code: "bad_request" | "payload_too_large",
    message: string,
  ) {
    super(message);
  }
}

export const bodyTooLarge = (maxBytes: number) =>
  new BodyError(413, "payload_too_large", `the body is larger than ${maxBytes} bytes (HOTLINE_API_MAX_BODY_BYTES): split it into smaller requests`);

/**
 * The whole body, at most `maxBytes`. `onChunk` sees each chunk as it arrives and may throw a
 * BodyError to refuse the request at once; the rest of the body is then left unread (node discards
 * it after the answer).
 */
export function readBody(payload: Readable, maxBytes: number, declaredBytes: number | undefined, onChunk?: (chunk: Buffer) => void): Promise<Buffer> {
  if (declaredBytes !== undefined && declaredBytes > maxBytes) return Promise.reject(bodyTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = (error: Error | undefined) => {
      payload.off("data", onData);
      payload.off("end", onEnd);
      payload.off("error", onError);
      if (error !== undefined) reject(error);
    };
    function onData(chunk: Buffer | string) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      received += bytes.byteLength;
      if (received > maxBytes) return stop(bodyTooLarge(maxBytes));
      try {
        onChunk?.(bytes);
      } catch (error) {
        return stop(error as Error);
      }
      chunks.push(bytes);
    }
    function onEnd() {
      stop(undefined);
      resolve(Buffer.concat(chunks, received));
    }
    function onError(error: Error) {
      stop(error);
    }
    payload.on("data", onData);
    payload.on("end", onEnd);
    payload.on("error", onError);
  });
}
