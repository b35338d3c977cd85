// The HTTP adapter of the store port: a ClickHouse server reached through @clickhouse/client.
// Also home of the few rules both adapters share (settings, row encoding, name checks).
import { ClickHouseError, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import type { ClickHouseClient } from "@clickhouse/client";
import { SensorError, storeError } from "../errors.js";
import type { InsertOptions, QueryParams, Row, Store } from "./port.js";

export interface ClickHouseStoreOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  readonly requestTimeoutMs: number;
}

/**
 * Settings pinned on every statement of both adapters, so rows look the same whatever the
 * server's version defaults are: 64-bit integers come back as JSON numbers (exact up to 2^53;
 * select `toString(x)` where more digits matter), and DateTime columns accept ISO strings.
 */
export const STORE_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  date_time_input_format: "best_effort",
} as const;

/**
 * Settings of one insert. With a token, the insert also asks ClickHouse to deduplicate in the
 * target tables of materialized views: since 24.7 a deduplicated block still runs through the
 * views, and only a target table with its own deduplication window drops it again.
 */
export function insertSettings(options: InsertOptions | undefined): Record<string, string | number> {
  const token = options?.deduplicationToken;
  // Rows spanning more than 100 partitions (months of events sent across years) would be refused
  // whole with TOO_MANY_PARTS, a code that also means "busy", and retried forever: take them.
  const always = { async_insert: 0, throw_on_max_partitions_per_insert_block: 0 };
  if (token === undefined) return always;
  return { ...always, insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 };
}

/** Rows as JSONEachRow text; bigint values travel as strings, which ClickHouse parses exactly. */
export function toJsonEachRow(rows: readonly object[]): string {
  return rows.map(stringifyRow).join("\n") + "\n";
}

/** JSON of one row; the replacer (slow on every value) only runs for the rare row with a bigint. */
function stringifyRow(row: object): string {
  try {
    return JSON.stringify(row);
  } catch (error) {
    if (error instanceof TypeError && /BigInt/i.test(error.message)) return JSON.stringify(row, bigintAsString);
    throw error;
  }
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Insert targets are plain `table` or `database.table` names: they are pasted into SQL. */
export function checkTableName(table: string): void {
  if (!TABLE_NAME.test(table)) {
    throw new SensorError("STORE_REJECTED", `insert target ${JSON.stringify(table)} is not a plain table name: use letters, digits and _ (optionally database.table)`);
  }
}

export function checkDatabaseName(database: string): void {
  if (!DATABASE_NAME.test(database)) {
    throw new SensorError("CONFIG_INVALID", `database name ${JSON.stringify(database)} is not a plain identifier: use letters, digits and _`);
  }
}

const NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN",
  "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN",
]);

/** Maps whatever @clickhouse/client threw into the closed error set. */
export function httpStoreError(error: unknown, what: string): SensorError {
  if (error instanceof SensorError) return error;
  if (error instanceof ClickHouseError) {
    const code = Number(error.code);
    return storeError(`ClickHouse refused ${what}: ${error.message.trim()} (${error.type ?? "code " + error.code})`, Number.isInteger(code) ? code : undefined, error.type, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
  const network = (code !== undefined && NETWORK_CODES.has(code)) || /timeout|socket hang up|aborted|closed/i.test(message);
  if (!network && (error instanceof TypeError || error instanceof SyntaxError || error instanceof RangeError)) {
    // The client failed to encode the request or decode the answer: retrying sends the same bytes.
    return new SensorError("STORE_REJECTED", `${what} could not be encoded or decoded: ${message}`, { cause: error });
  }
  return storeError(`ClickHouse unreachable during ${what}: ${code === undefined ? message : `${code} ${message}`}`, undefined, undefined, error);
}

function newClient(options: ClickHouseStoreOptions, database: string | undefined): ClickHouseClient {
  return createClient({
    url: options.url,
    username: options.username,
    password: options.password,
    ...(database === undefined ? {} : { database }),
    request_timeout: options.requestTimeoutMs,
    compression: { request: true, response: true },
    clickhouse_settings: { ...STORE_SETTINGS },
    json: { parse: JSON.parse, stringify: (value: unknown) => (typeof value === "object" && value !== null ? stringifyRow(value) : JSON.stringify(value)) },
    // Every failure reaches the caller as a SensorError; the client's own log would say it twice.
    log: { level: ClickHouseLogLevel.OFF },
  });
}

async function ensureDatabase(options: ClickHouseStoreOptions): Promise<void> {
  const bootstrap = newClient(options, undefined);
  try {
    const found = await bootstrap.query({
      query: "SELECT count() AS n FROM system.databases WHERE name = {name:String}",
      query_params: { name: options.database },
      format: "JSONEachRow",
    });
    const rows = await found.json<{ n: number }>();
    // Asked only when missing: a user without CREATE DATABASE can still use an existing one.
    if (rows[0]?.n === 0) await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${options.database}` });
  } catch (error) {
    throw httpStoreError(error, `creating database ${options.database}`);
  } finally {
    await bootstrap.close();
  }
}

/** Opens the HTTP store, creating its database when missing. Rejects STORE_UNAVAILABLE when the server cannot be reached. */
export async function openClickHouseStore(options: ClickHouseStoreOptions): Promise<Store> {
  checkDatabaseName(options.database);
  await ensureDatabase(options);
  const client = newClient(options, options.database);
  let closed = false;

  const guard = (what: string): void => {
    if (closed) throw new SensorError("STORE_UNAVAILABLE", `${what} after the ClickHouse store was closed`);
  };

  return {
    kind: "clickhouse",
    async command(sql: string, params?: QueryParams): Promise<void> {
      guard("command");
      try {
        await client.command({ query: sql, ...(params === undefined ? {} : { query_params: params }) });
      } catch (error) {
        throw httpStoreError(error, "a command");
      }
    },
    async query<T extends Row = Row>(sql: string, params?: QueryParams): Promise<T[]> {
      guard("query");
      try {
        const result = await client.query({ query: sql, format: "JSONEachRow", ...(params === undefined ? {} : { query_params: params }) });
        return await result.json<T>();
      } catch (error) {
        throw httpStoreError(error, "a query");
      }
    },
    async insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
      guard("insert");
      checkTableName(table);
      if (rows.length === 0) return;
      try {
        await client.insert({ table, values: rows, format: "JSONEachRow", clickhouse_settings: insertSettings(options) });
      } catch (error) {
        throw httpStoreError(error, `an insert into ${table}`);
      }
    },
    async ping(): Promise<boolean> {
      if (closed) return false;
      try {
        const result = await client.ping({ select: true });
        return result.success;
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}
