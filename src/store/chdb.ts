// The in-process adapter of the store port: the ClickHouse engine through chdb's Session.
// chdb binds one data directory per process; every store opened on that directory shares it.
import { Session } from "chdb";
import { SensorError, storeError } from "../errors.js";
import { STORE_SETTINGS, checkDatabaseName, checkTableName, insertSettings, toJsonEachRow } from "./clickhouse.js";
import type { InsertOptions, QueryParam, QueryParams, Row, Store } from "./port.js";
import { heredocLiteral, stringLiteral } from "./sql.js";

export interface ChdbStoreOptions {
  readonly dataDir: string;
  readonly database: string;
}

const UNAVAILABLE_CHDB_CODES: ReadonlySet<string> = new Set(["CHDB_CONNECTION", "CHDB_CLOSED", "CHDB_TIMEOUT", "CHDB_ABORT", "CHDB_PLATFORM", "CHDB_ABI", "CHDB_INTERNAL"]);

function field(error: unknown, name: string): unknown {
  return typeof error === "object" && error !== null && name in error ? (error as Record<string, unknown>)[name] : undefined;
}

/** ClickHouse ends its messages with the error's type name: `Code: 60. DB::Exception: … (UNKNOWN_TABLE)`. */
function clickHouseErrorType(message: string): string | undefined {
  const last = /\(([A-Z0-9_]*[A-Z]{3}[A-Z0-9_]*)\)(?:\s*\(version [^)]*\))?\.?\s*$/.exec(message);
  return (last ?? /Exception: [\s\S]*?\(([A-Z0-9_]*[A-Z]{3}[A-Z0-9_]*)\)/.exec(message))?.[1];
}

function chdbStoreError(error: unknown, what: string): SensorError {
  if (error instanceof SensorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const chdbCode = field(error, "code");
  const clickhouseCode = field(error, "clickhouseCode");
  const storeCode = typeof clickhouseCode === "number" ? clickhouseCode : Number(/^Code: (\d+)\./.exec(message)?.[1] ?? Number.NaN);
  const code = Number.isInteger(storeCode) ? storeCode : undefined;
  if (typeof chdbCode === "string" && UNAVAILABLE_CHDB_CODES.has(chdbCode)) {
    return new SensorError("STORE_UNAVAILABLE", `chdb could not run ${what}: ${message}`, { cause: error });
  }
  if (code === undefined && (chdbCode === "CHDB_BIND" || chdbCode === "CHDB_INSERT")) {
    // chdb refused the request before the engine saw it (a parameter it cannot encode): a bug.
    return new SensorError("STORE_REJECTED", `chdb refused ${what}: ${message}`, { cause: error });
  }
  return storeError(`chdb rejected ${what}: ${message}`, code, clickHouseErrorType(message), error);
}

/** Matches @clickhouse/client, which sends a top-level boolean parameter as 1 or 0. */
function bindable(params: QueryParams): Record<string, QueryParam> {
  const out: Record<string, QueryParam> = {};
  for (const [name, value] of Object.entries(params)) out[name] = typeof value === "boolean" ? Number(value) : value;
  return out;
}

function parseJsonEachRow<T>(text: string): T[] {
  const rows: T[] = [];
  for (const line of text.split("\n")) {
    if (line.length > 0) rows.push(JSON.parse(line) as T);
  }
  return rows;
}

function backquote(identifier: string): string {
  return `\`${identifier.replace(/\\/g, "\\\\").replace(/`/g, "\\`")}\``;
}

/** Opens the chdb store on `dataDir`, creating `database` when missing and making it the default. */
export async function openChdbStore(options: ChdbStoreOptions): Promise<Store> {
  checkDatabaseName(options.database);
  let session: Session;
  try {
    session = new Session(options.dataDir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SensorError("STORE_UNAVAILABLE", `chdb could not open ${options.dataDir}: ${message} (chdb allows one data directory per process: open every store on the same dataDir)`, { cause: error });
  }
  const settings = Object.entries(STORE_SETTINGS).map(([name, value]) => `SET ${name} = ${typeof value === "number" ? value : `'${value}'`}`);
  try {
    // USE and SET stick to this session's connection, so they cover every later statement.
    // Inserts carry their rows inside the query text (see insert), so the query may be large.
    const bigQueries = "SET max_query_size = 1073741824";
    for (const sql of [`CREATE DATABASE IF NOT EXISTS ${options.database}`, `USE ${options.database}`, ...settings, bigQueries]) {
      await session.queryAsync(sql);
    }
  } catch (error) {
    session.close();
    throw chdbStoreError(error, `opening database ${options.database}`);
  }

  let closed = false;
  const run = async (sql: string, params: QueryParams | undefined, format: string, what: string): Promise<string> => {
    if (closed) throw new SensorError("STORE_UNAVAILABLE", `${what} after the chdb store was closed`);
    try {
      const result = params === undefined || Object.keys(params).length === 0
        ? await session.queryAsync(sql, { format })
        : await session.queryBindAsync(sql, bindable(params), { format });
      return result.text();
    } catch (error) {
      throw chdbStoreError(error, what);
    }
  };

  // Column lists of insert targets; a command may change a table (migrations), so it clears them.
  const structures = new Map<string, string>();
  const tableStructure = async (table: string): Promise<string> => {
    const known = structures.get(table);
    if (known !== undefined) return known;
    const [database, name] = table.includes(".") ? table.split(".", 2) : [options.database, table];
    const columns = parseJsonEachRow<{ name: string; type: string }>(
      await run(
        "SELECT name, type FROM system.columns WHERE database = {database:String} AND table = {table:String} AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL') ORDER BY position",
        { database: database ?? options.database, table: name ?? table },
        "JSONEachRow",
        `reading the columns of ${table}`,
      ),
    );
    if (columns.length === 0) throw new SensorError("STORE_REJECTED", `cannot insert into ${table}: no such table in ${database ?? options.database}`, { storeCode: 60, storeType: "UNKNOWN_TABLE" });
    const structure = columns.map((c) => `${backquote(c.name)} ${c.type}`).join(", ");
    structures.set(table, structure);
    return structure;
  };

  return {
    kind: "chdb",
    async command(sql: string, params?: QueryParams): Promise<void> {
      structures.clear();
      await run(sql, params, "TabSeparated", "a command");
    },
    async query<T extends Row = Row>(sql: string, params?: QueryParams): Promise<T[]> {
      return parseJsonEachRow<T>(await run(sql, params, "JSONEachRow", "a query"));
    },
    async insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void> {
      if (closed) throw new SensorError("STORE_UNAVAILABLE", "insert after the chdb store was closed");
      checkTableName(table);
      if (rows.length === 0) return;
      // chdb runs like clickhouse-local: an INSERT with inline data also reads standard input when
      // it is not a terminal, so `replay -` (or any piped stdin) would be swallowed into the table.
      // INSERT … SELECT FROM format() carries the rows in the query and never touches stdin. The
      // rows go in a heredoc literal: unescaped, they cost no escaping pass here nor unescaping there.
      const structure = await tableStructure(table);
      const settings = Object.entries(insertSettings(options)).map(([name, value]) => `${name} = ${typeof value === "number" ? value : stringLiteral(value)}`);
      await run(
        `INSERT INTO ${table} SETTINGS ${settings.join(", ")} SELECT * FROM format(JSONEachRow, ${stringLiteral(structure)}, ${heredocLiteral(toJsonEachRow(rows))})`,
        undefined,
        "TabSeparated",
        `an insert into ${table}`,
      );
    },
    async ping(): Promise<boolean> {
      if (closed) return false;
      try {
        return (await session.queryAsync("SELECT 1", { format: "TabSeparated" })).text().trim() === "1";
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // chdb defers releasing the connection until statements still running on it finish.
      session.close();
    },
  };
}
