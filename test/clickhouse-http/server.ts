// A small HTTP endpoint speaking ClickHouse's HTTP protocol over chdb, so the HTTP store adapter
// and @clickhouse/client run against the real engine in tests. It runs as its own process (chdb
// binds one data directory per process):
//   node --import tsx test/clickhouse-http/server.ts --data DIR --port 0   → prints `listening <port>`
//
// What it implements: POST and GET on `/` with the SQL in `query` and/or the body (an INSERT …
// FORMAT in `query` takes its rows from the body); `database`, `default_format`, `query_id`,
// `param_*` (bound by the engine, never pasted into SQL); every other URL parameter becomes a
// setting (`SET name = 'value'`, so unknown settings fail as on a server); request bodies with
// Content-Encoding gzip, deflate or br; gzip/deflate/br responses when `enable_http_compression=1`
// and the client accepts them; `/ping`; errors as HTTP 500 with ClickHouse's text and the
// `X-ClickHouse-Exception-Code` header; `X-ClickHouse-Summary` with rows read and written.
//
// What it does not implement, unlike a ClickHouse server:
// - authentication: any user and password (Basic, headers or URL) is accepted and ignored; no
//   users, roles, quotas or grants (the `readonly` setting still applies, as any setting does);
// - sessions (`session_id` is ignored: every request runs on a fresh connection, so SET, USE and
//   temporary tables do not outlive their request);
// - ClickHouse's native block compression (`compress=1` / `decompress=1` are refused with 400),
//   and zstd;
// - streaming: results are buffered whole, as with `wait_end_of_query=1`; no progress headers
//   (`send_progress_in_http_headers`), no `X-ClickHouse-Exception-Tag` mid-stream errors;
// - concurrency: requests run one at a time (chdb's parameter binding is process-wide state);
// - a multi-statement query (`SELECT 1; SELECT 2`) runs every statement instead of failing;
// - multipart query parameters, external data tables, `/play`, `/replicas_status`, TLS,
//   HTTP status codes other than 200, 400, 404 and 500 (ClickHouse uses e.g. 404 for
//   UNKNOWN_TABLE), the exact `Content-Type` for every format.
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { Session } from "chdb";

interface NativeResult {
  readonly bytes?: Uint8Array; // absent for inserts
  readonly elapsed: number;
  readonly rowsRead?: number;
  readonly bytesRead?: number;
  readonly rowsWritten?: number;
  readonly bytesWritten?: number;
}

interface Native {
  QueryAsyncConnection(connection: unknown, sql: string, format: string, params?: Record<string, string>): Promise<NativeResult>;
  InsertRawAsyncConnection(connection: unknown, prefix: string, data: Buffer, countLines: boolean): Promise<NativeResult>;
}

/** chdb's public API re-encodes parameter values; ClickHouse's HTTP parameters arrive encoded, so the raw binding is used. */
function loadNative(): Native {
  const chdbMain = createRequire(import.meta.url).resolve("chdb");
  const loader: unknown = createRequire(chdbMain)("./dist/loader.js");
  const native: unknown = typeof loader === "object" && loader !== null && "loadNative" in loader && typeof loader.loadNative === "function" ? loader.loadNative() : undefined;
  if (typeof native !== "object" || native === null || !("QueryAsyncConnection" in native) || !("InsertRawAsyncConnection" in native)) {
    throw new Error("this chdb build has no QueryAsyncConnection/InsertRawAsyncConnection: update test/clickhouse-http/server.ts");
  }
  return native as Native;
}

// URL parameters of the HTTP handler itself, not settings. `wait_end_of_query` needs no handling:
// every answer is buffered whole anyway.
const PROTOCOL_PARAMS: ReadonlySet<string> = new Set([
  "query", "database", "default_format", "query_id", "session_id", "session_timeout", "session_check",
  "user", "password", "quota_key", "role", "compress", "decompress", "enable_http_compression",
  "wait_end_of_query", "buffer_size", "stacktrace", "client_protocol_version",
  "http_native_compression_disable_checksumming_on_decompress",
]);
const INSERT_WITH_DATA = /^\s*INSERT\s[\s\S]*\sFORMAT\s+[A-Za-z0-9_]+\s*$/i;
const SETTING_NAME = /^[A-Za-z0-9_]+$/;

interface Request {
  readonly sql: string;
  readonly insertData: Buffer | undefined;
  readonly database: string | undefined;
  readonly format: string;
  readonly settings: ReadonlyArray<readonly [string, string]>;
  readonly params: Record<string, string>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly clickhouseCode: number) {
    super(message);
  }
}

const sqlString = (value: string): string => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const sqlIdentifier = (value: string): string => `\`${value.replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const body = Buffer.concat(chunks);
  const encoding = req.headers["content-encoding"]?.toLowerCase();
  if (encoding === undefined || encoding === "identity" || body.length === 0) return body;
  if (encoding === "gzip" || encoding === "x-gzip") return promisify(zlib.gunzip)(body);
  if (encoding === "deflate") return promisify(zlib.inflate)(body);
  if (encoding === "br") return promisify(zlib.brotliDecompress)(body);
  throw new HttpError(400, `Code: 1. DB::Exception: Unsupported Content-Encoding ${encoding} in this test endpoint. (NOT_IMPLEMENTED)`, 1);
}

function parseRequest(url: URL, body: Buffer): Request {
  const search = url.searchParams;
  if (search.get("decompress") === "1" || search.get("compress") === "1") {
    throw new HttpError(400, "Code: 1. DB::Exception: ClickHouse native compression (compress/decompress=1) is not implemented by this test endpoint. (NOT_IMPLEMENTED)", 1);
  }
  const settings: Array<readonly [string, string]> = [];
  const params: Record<string, string> = {};
  for (const [name, value] of search) {
    if (name.startsWith("param_")) params[name.slice("param_".length)] = value;
    else if (!PROTOCOL_PARAMS.has(name)) {
      if (!SETTING_NAME.test(name)) throw new HttpError(400, `Code: 115. DB::Exception: Unknown setting ${name}. (UNKNOWN_SETTING)`, 115);
      settings.push([name, value]);
    }
  }
  const urlQuery = search.get("query") ?? "";
  const insertData = urlQuery !== "" && body.length > 0 && INSERT_WITH_DATA.test(urlQuery) ? body : undefined;
  const sql = insertData !== undefined ? urlQuery : urlQuery === "" ? body.toString("utf8") : body.length === 0 ? urlQuery : `${urlQuery}\n${body.toString("utf8")}`;
  if (sql.trim() === "") throw new HttpError(400, "Code: 62. DB::Exception: Empty query. (SYNTAX_ERROR)", 62);
  const database = search.get("database") ?? undefined;
  return { sql, insertData, database: database === "" ? undefined : database, format: search.get("default_format") ?? "TabSeparated", settings, params };
}

async function execute(native: Native, dataDir: string, request: Request): Promise<NativeResult> {
  // A fresh connection per request, so SET and USE of one request never leak into the next.
  const session = new Session(dataDir);
  try {
    const prelude = [
      ...(request.database === undefined ? [] : [`USE ${sqlIdentifier(request.database)}`]),
      ...request.settings.map(([name, value]) => `SET ${name} = ${sqlString(value)}`),
    ];
    for (const sql of prelude) await native.QueryAsyncConnection(session.connection, sql, "TabSeparated");
    if (request.insertData !== undefined) {
      return await native.InsertRawAsyncConnection(session.connection, request.sql, request.insertData, false);
    }
    return Object.keys(request.params).length === 0
      ? await native.QueryAsyncConnection(session.connection, request.sql, request.format)
      : await native.QueryAsyncConnection(session.connection, request.sql, request.format, request.params);
  } finally {
    session.close();
  }
}

function contentType(format: string): string {
  if (format.startsWith("JSON")) return "application/json; charset=UTF-8";
  if (format.startsWith("CSV")) return "text/csv; charset=UTF-8";
  if (format.startsWith("TabSeparated") || format.startsWith("TSV")) return "text/tab-separated-values; charset=UTF-8";
  return "text/plain; charset=UTF-8";
}

function compressFor(req: IncomingMessage, url: URL): "gzip" | "deflate" | "br" | undefined {
  if (url.searchParams.get("enable_http_compression") !== "1") return undefined;
  const accepted = String(req.headers["accept-encoding"] ?? "").toLowerCase();
  for (const codec of ["gzip", "br", "deflate"] as const) if (accepted.includes(codec)) return codec;
  return undefined;
}

async function encode(body: Buffer, codec: "gzip" | "deflate" | "br" | undefined): Promise<Buffer> {
  if (codec === "gzip") return promisify(zlib.gzip)(body);
  if (codec === "deflate") return promisify(zlib.deflate)(body);
  if (codec === "br") return promisify(zlib.brotliCompress)(body);
  return body;
}

function summary(result: NativeResult): string {
  const n = (value: number | undefined): string => String(value ?? 0);
  return JSON.stringify({
    read_rows: n(result.rowsRead), read_bytes: n(result.bytesRead),
    written_rows: n(result.rowsWritten), written_bytes: n(result.bytesWritten),
    total_rows_to_read: n(result.rowsRead), result_rows: "0", result_bytes: n(result.bytes?.length),
    elapsed_ns: String(Math.round(result.elapsed * 1e9)),
  });
}

function fail(res: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof HttpError ? error.clickhouseCode : Number(/^Code: (\d+)\./.exec(message)?.[1] ?? 1001);
  const status = error instanceof HttpError ? error.status : 500;
  res.writeHead(status, { "Content-Type": "text/plain; charset=UTF-8", "X-ClickHouse-Exception-Code": String(code) });
  res.end(`${message.trimEnd()}\n`);
}

function startServer(dataDir: string, port: number, host: string): void {
  const native = loadNative();
  const anchor = new Session(dataDir); // binds the data directory for the life of the process
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const handle = async (): Promise<void> => {
      if (url.pathname === "/ping" || (url.pathname === "/" && req.method === "GET" && !url.searchParams.has("query"))) {
        await readBody(req);
        res.writeHead(200, { "Content-Type": "text/plain; charset=UTF-8" }).end("Ok.\n");
        return;
      }
      if (url.pathname !== "/") throw new HttpError(404, `Code: 1. DB::Exception: No handler for ${url.pathname} in this test endpoint. (NOT_IMPLEMENTED)`, 1);
      const request = parseRequest(url, await readBody(req));
      const result = await serialized(() => execute(native, dataDir, request));
      const codec = compressFor(req, url);
      const body = await encode(Buffer.from(result.bytes ?? new Uint8Array()), codec);
      res.writeHead(200, {
        "Content-Type": contentType(request.format),
        "X-ClickHouse-Format": request.format,
        "X-ClickHouse-Query-Id": url.searchParams.get("query_id") ?? "",
        "X-ClickHouse-Summary": summary(result),
        ...(codec === undefined ? {} : { "Content-Encoding": codec }),
      });
      res.end(body);
    };
    handle().catch((error: unknown) => fail(res, error));
  });

  const shutdown = (): void => {
    server.close();
    server.closeAllConnections();
    anchor.close();
    process.exit(0);
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  server.listen(port, host, () => {
    const address = server.address();
    const bound = typeof address === "object" && address !== null ? address.port : port;
    process.stdout.write(`listening ${bound}\n`);
  });
}

const { values } = parseArgs({
  options: { data: { type: "string" }, port: { type: "string", default: "0" }, host: { type: "string", default: "127.0.0.1" } },
});
if (values.data === undefined) {
  process.stderr.write("usage: node --import tsx test/clickhouse-http/server.ts --data DIR [--port N] [--host H]\n");
  process.exit(2);
}
startServer(values.data, Number(values.port), values.host ?? "127.0.0.1");
