// What fastify and node's HTTP server are told: how long a client may take to send its headers and
// its whole request, how long a path segment may be, and how to answer requests that never reach a
// route (node's parser refuses them, or the router does). Those answers use the API's one error
// body (spec.ts) like every other, and never repeat the URL: it may hold a phone number.
import { STATUS_CODES, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyHttpOptions, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorBody } from "./spec.js";

export interface HttpTimeouts {
  /** The request line and headers must arrive within this (node's headersTimeout). */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (node's requestTimeout). */
  readonly requestTimeoutMs: number;
}

/** Path parameters longer than this (as sent, percent-encoded) are 414. Alert ids may be 300 characters, encoded up to 9 bytes each. */
export const MAX_PATH_PARAM_CHARS = 3_000;

export function serverOptions(timeouts: HttpTimeouts, bodyLimit: number): FastifyHttpOptions<Server> {
  return {
    logger: false,
    bodyLimit,
    requestTimeout: timeouts.requestTimeoutMs,
    http: {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Node looks for late requests this often (default 30 s): a timeout should end near its length.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeouts.headersTimeoutMs / 4))),
    },
    routerOptions: { maxParamLength: MAX_PATH_PARAM_CHARS },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket, timeouts),
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => answerRouterError(error, reply),
  };
}

/** Answers what node's HTTP parser refuses before there is a request: timeouts, oversized headers, malformed HTTP. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex, timeouts: HttpTimeouts): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, body] = clientErrorBody(error.code, timeouts);
  if (socket.writable) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}

function clientErrorBody(code: string | undefined, timeouts: HttpTimeouts): [number, ErrorBody] {
  switch (code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [
        408,
        {
          error: "request_timeout",
          message: `the request did not arrive in time (headers within ${timeouts.headersTimeoutMs} ms, the whole request within ${timeouts.requestTimeoutMs} ms: HOTLINE_HTTP_HEADERS_TIMEOUT_MS, HOTLINE_HTTP_REQUEST_TIMEOUT_MS); send it again, or in smaller parts`,
        },
      ];
    case "HPE_HEADER_OVERFLOW":
      return [431, { error: "headers_too_large", message: "the request line and headers are larger than the server accepts (16 KiB): send long values in the body, not in the URL or the headers" }];
    default:
      return [400, { error: "bad_request", message: "the request is not valid HTTP/1.1" }];
  }
}

/** Answers what the router refuses before a route is chosen. */
function answerRouterError(error: FastifyError, reply: FastifyReply): FastifyReply {
  const send = (status: number, body: ErrorBody) => reply.code(status).header("content-type", "application/json; charset=utf-8").send(body);
  switch (error.code) {
    case "FST_ERR_MAX_PARAM_LENGTH":
      return send(414, { error: "uri_too_long", message: `a part of the path is longer than ${MAX_PATH_PARAM_CHARS} characters (percent-encoded): no id of the API is that long` });
    case "FST_ERR_BAD_URL":
      return send(400, { error: "bad_request", message: "the path is not valid percent-encoding (a % must be followed by two hex digits)" });
    default:
      return send(500, { error: "internal", message: "internal error; the worker's log has the details" });
  }
}
