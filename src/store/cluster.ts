// Turns the single-node migrations into DDL for a ClickHouse cluster (CLICKHOUSE_CLUSTER): every
// table becomes a Replicated* `<name>_local` on each shard plus a `Distributed` table `<name>`
// over them, so everything that reads or writes `<name>` — the worker, views, analysts — keeps
// its name. The migration files stay the single-node SQL analysts read (and their checksums).
import { SensorError } from "../errors.js";

export interface ClusterTarget {
  /** The cluster's name in the servers' `remote_servers`. */
  readonly name: string;
  /** The database the tables live in on every node (Distributed needs it spelled out). */
  readonly database: string;
}

/** Suffix of the per-shard tables; `<name>` is the Distributed table over `<name>_local`. */
export const LOCAL_SUFFIX = "_local";

/**
 * Sharding keys where the sorting key is not the right one. A ticket's events (and a call's) go
 * to one shard, so the `tickets_state` rows the materialized view folds from them are on that
 * shard too; dead letters are looked up by source position, deliveries by alert.
 */
const SHARDING_KEYS: Readonly<Record<string, string>> = {
  events: "cityHash64(if(ticket_id != '', ticket_id, call_id))",
  dead_letters: "cityHash64(source)",
  alert_deliveries: "cityHash64(alert_id)",
};

/** Targets whose readers merge partial rows anyway (sum, -Merge): a materialized view fills the shard's own table. */
const MERGED_AT_READ = new Set(["SummingMergeTree", "AggregatingMergeTree"]);

interface TableInfo {
  readonly kind: "table" | "view";
  /** Whether rows of one key may sit on several shards (aggregates merged at read). */
  readonly mergedAtRead: boolean;
}

const IDENT = "([A-Za-z_][A-Za-z0-9_]*)";
const CREATE_TABLE = new RegExp(`^CREATE TABLE (IF NOT EXISTS )?${IDENT}(?=\\s)`);
const CREATE_MV = new RegExp(`^CREATE MATERIALIZED VIEW (IF NOT EXISTS )?${IDENT}(?:\\s+TO\\s+${IDENT})?(?=\\s)`);
const CREATE_VIEW = new RegExp(`^CREATE (OR REPLACE )?VIEW (IF NOT EXISTS )?${IDENT}(?=\\s)`);
const ALTER_TABLE = new RegExp(`^ALTER TABLE ${IDENT}(?=\\s)`);
const DROP = new RegExp(`^DROP (TABLE|VIEW) (IF EXISTS )?${IDENT}(?=\\s|$)`);
const ENGINE = /\bENGINE\s*=\s*([A-Za-z]*MergeTree)\b(?:\(([^()]*)\))?/;
const ORDER_BY = /\bORDER BY\s+(\([^\n]*\)|[^\s]+)\s*(?:\n|$)/;
const COLUMN_ALTER = /^\s*(ADD|DROP|MODIFY|COMMENT|RENAME|CLEAR)\s+COLUMN\b/;

function unsupported(file: string, statement: string, why: string): SensorError {
  const head = statement.split("\n", 1)[0] ?? "";
  return new SensorError("MIGRATION_FAILED", `migration ${file}: "${head}" cannot be run on a cluster: ${why}`);
}

/** The ReplicatedMergeTree-family engine for a local table, `{shard}`/`{replica}` filled by the servers' macros. */
export function replicatedEngine(engine: string, args: string | undefined, local: string): string {
  const path = `'/clickhouse/tables/{shard}/{database}/${local}', '{replica}'`;
  const rest = args === undefined || args.trim() === "" ? "" : `, ${args.trim()}`;
  return `Replicated${engine}(${path}${rest})`;
}

function shardingKey(table: string, statement: string, file: string): string {
  const explicit = SHARDING_KEYS[table];
  if (explicit !== undefined) return explicit;
  const order = ORDER_BY.exec(statement)?.[1];
  if (order === undefined) throw unsupported(file, statement, "no ORDER BY to shard by: add a sharding key for it in src/store/cluster.ts");
  const inner = order.startsWith("(") ? order.slice(1, -1) : order;
  return `cityHash64(${inner})`;
}

function createTable(statement: string, match: RegExpExecArray, cluster: ClusterTarget, tables: Map<string, TableInfo>, file: string): string[] {
  const [head, ifNotExists = "", table = ""] = match;
  const engine = ENGINE.exec(statement);
  if (engine === null) throw unsupported(file, statement, "only MergeTree-family tables are replicated");
  const [engineText, engineName = "", engineArgs] = engine;
  const local = `${table}${LOCAL_SUFFIX}`;
  const body = statement.slice(head.length).replace(engineText, `ENGINE = ${replicatedEngine(engineName, engineArgs, local)}`);
  tables.set(table, { kind: "table", mergedAtRead: MERGED_AT_READ.has(engineName) });
  const key = shardingKey(table, statement, file);
  return [
    `CREATE TABLE ${ifNotExists}${local} ON CLUSTER ${cluster.name}${body}`,
    `CREATE TABLE ${ifNotExists}${table} ON CLUSTER ${cluster.name} AS ${local}\nENGINE = Distributed(${cluster.name}, ${cluster.database}, ${local}, ${key})`,
  ];
}

/**
 * A materialized view fires on inserts into the table it reads, which on a cluster are the
 * inserts into a shard's local table: it reads `<source>_local`. It writes to the target's local
 * table when readers merge rows anyway (Summing/Aggregating, co-sharded with `events` by ticket),
 * else through the Distributed table, which routes each row to the shard of its key so that
 * `FINAL` collapses it.
 */
function createMaterializedView(statement: string, match: RegExpExecArray, cluster: ClusterTarget, tables: Map<string, TableInfo>, file: string): string {
  const [head, ifNotExists = "", view = "", target] = match;
  if (target === undefined) throw unsupported(file, statement, "a materialized view needs TO <table> (an inner table cannot be replicated here)");
  const targetInfo = tables.get(target);
  if (targetInfo?.kind !== "table") throw unsupported(file, statement, `its target ${target} is not a table created by an earlier migration`);
  const sources = [...statement.matchAll(new RegExp(`\\b(FROM|JOIN)\\s+${IDENT}\\b`, "g"))].filter((m) => tables.has(m[2] ?? ""));
  const [source] = sources;
  if (sources.length !== 1 || source?.[1] !== "FROM" || tables.get(source[2] ?? "")?.kind !== "table") {
    throw unsupported(file, statement, "a materialized view must read exactly one table, in one FROM");
  }
  const writeTo = targetInfo.mergedAtRead ? `${target}${LOCAL_SUFFIX}` : target;
  const rest = statement.slice(head.length);
  const index = (source.index ?? 0) - head.length;
  const select = `${rest.slice(0, index)}FROM ${source[2]}${LOCAL_SUFFIX}${rest.slice(index + source[0].length)}`;
  tables.set(view, { kind: "view", mergedAtRead: false });
  return `CREATE MATERIALIZED VIEW ${ifNotExists}${view} ON CLUSTER ${cluster.name} TO ${writeTo}${select}`;
}

/**
 * A plain view reads the Distributed tables. A join or IN over a Distributed table inside a
 * query on another Distributed table is refused by default (distributed_product_mode = deny):
 * GLOBAL runs the inner query once, on the node that was asked, and ships its result to the shards.
 */
function createView(statement: string, match: RegExpExecArray, cluster: ClusterTarget, tables: Map<string, TableInfo>): string {
  const [head, orReplace = "", ifNotExists = "", view = ""] = match;
  tables.set(view, { kind: "view", mergedAtRead: false });
  const body = statement
    .slice(head.length)
    .replace(/\b((?:(?:LEFT|RIGHT|FULL|INNER|CROSS)\s+)?(?:(?:OUTER|SEMI|ANTI|ANY|ALL|ASOF)\s+)?JOIN\b)/g, (whole: string, _join: string, offset: number, text: string) =>
      /\b(ARRAY|GLOBAL)\s+$/.test(text.slice(0, offset)) ? whole : `GLOBAL ${whole}`,
    )
    .replace(/\b((?:NOT\s+)?IN\s*\(\s*SELECT\b)/g, (whole: string, _in: string, offset: number, text: string) =>
      /\bGLOBAL\s+$/.test(text.slice(0, offset)) ? whole : `GLOBAL ${whole}`,
    );
  return `CREATE ${orReplace}VIEW ${ifNotExists}${view} ON CLUSTER ${cluster.name}${body}`;
}

/** Column changes go to both tables (the Distributed one mirrors the columns); anything else to the shards' tables. */
function alterTable(statement: string, match: RegExpExecArray, cluster: ClusterTarget, tables: Map<string, TableInfo>): string[] {
  const [head, table = ""] = match;
  const rest = statement.slice(head.length);
  if (tables.get(table)?.kind !== "table") return [`ALTER TABLE ${table} ON CLUSTER ${cluster.name}${rest}`];
  const local = `ALTER TABLE ${table}${LOCAL_SUFFIX} ON CLUSTER ${cluster.name}${rest}`;
  return COLUMN_ALTER.test(rest) ? [local, `ALTER TABLE ${table} ON CLUSTER ${cluster.name}${rest}`] : [local];
}

function drop(statement: string, match: RegExpExecArray, cluster: ClusterTarget, tables: Map<string, TableInfo>): string[] {
  const [head, what = "", ifExists = "", name = ""] = match;
  const rest = statement.slice(head.length);
  const info = tables.get(name);
  tables.delete(name);
  const statements = [`DROP ${what} ${ifExists}${name} ON CLUSTER ${cluster.name}${rest}`];
  if (info?.kind === "table") statements.push(`DROP ${what} ${ifExists}${name}${LOCAL_SUFFIX} ON CLUSTER ${cluster.name}${rest}`);
  return statements;
}

/**
 * The cluster statements of every migration, in order (earlier files tell later ones which names
 * are tables). `{{placeholders}}` pass through untouched. An INSERT … SELECT stays as it is: it
 * runs once, on the node the runner talks to, through the Distributed tables.
 */
export function clusterStatements(migrations: readonly { readonly file: string; readonly statements: readonly string[] }[], cluster: ClusterTarget): string[][] {
  const tables = new Map<string, TableInfo>();
  return migrations.map(({ file, statements }) =>
    statements.flatMap((statement): string[] => {
      let match: RegExpExecArray | null;
      if ((match = CREATE_TABLE.exec(statement)) !== null) return createTable(statement, match, cluster, tables, file);
      if ((match = CREATE_MV.exec(statement)) !== null) return [createMaterializedView(statement, match, cluster, tables, file)];
      if ((match = CREATE_VIEW.exec(statement)) !== null) return [createView(statement, match, cluster, tables)];
      if ((match = ALTER_TABLE.exec(statement)) !== null) return alterTable(statement, match, cluster, tables);
      if ((match = DROP.exec(statement)) !== null) return drop(statement, match, cluster, tables);
      if (/^INSERT INTO\b/.test(statement)) return [statement];
      throw unsupported(file, statement, "the cluster transformation (src/store/cluster.ts) does not know this kind of statement: teach it");
    }),
  );
}

/**
 * What the runner runs before the migrations: the database on every node (the store adapter
 * created it on the node it talks to only), then the runner's own record: one replica on every node (no `{shard}` in its path, replicas named
 * `{shard}-{replica}` to be unique across shards), so any node can tell what ran.
 */
export function clusterSetup(cluster: ClusterTarget): string[] {
  return [`CREATE DATABASE IF NOT EXISTS ${cluster.database} ON CLUSTER ${cluster.name}`, `CREATE TABLE IF NOT EXISTS schema_migrations ON CLUSTER ${cluster.name} (
  version UInt32,
  name String,
  checksum String,
  applied_at DateTime64(3, 'UTC')
) ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/schema_migrations', '{shard}-{replica}') ORDER BY version`];
}
