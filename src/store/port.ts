// The store port: the only way the core talks to ClickHouse. Two adapters implement it,
// `clickhouse.ts` (a server over HTTP, @clickhouse/client) and `chdb.ts` (the engine in-process).
// Both run the same SQL; rows travel as JSONEachRow objects.

/** A value bound to a `{name:Type}` placeholder in SQL (ClickHouse query parameters). */
export type QueryParam = string | number | boolean | null | readonly QueryParam[];
export type QueryParams = Readonly<Record<string, QueryParam>>;

export type Row = Readonly<Record<string, unknown>>;

export interface InsertOptions {
  /**
   * ClickHouse `insert_deduplication_token`: a repeated insert with the same token into a table
   * with a deduplication window is dropped by the server (and so are its materialized views).
   */
  readonly deduplicationToken?: string;
}

export interface Store {
  /** Which adapter this is, for logs and /readyz. */
  readonly kind: "clickhouse" | "chdb";
  /** Runs a statement that returns no rows (DDL, INSERT … SELECT, SYSTEM …). */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Runs a SELECT and returns its rows, parsed from JSONEachRow. */
  query<T extends Row = Row>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Inserts rows into a table in one request, synchronously (async_insert=0). */
  insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void>;
  /** True when the engine answers `SELECT 1`. Never throws. */
  ping(): Promise<boolean>;
  /** Releases connections (HTTP) or the session (chdb). Idempotent. */
  close(): Promise<void>;
}
