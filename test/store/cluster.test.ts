// Migrations for a ClickHouse cluster (CLICKHOUSE_CLUSTER): the DDL generated from every migration
// file is checked statement by statement — ON CLUSTER everywhere, Replicated engines on the
// shards' `_local` tables, a Distributed table over each, materialized views reading the local
// source and writing where their readers expect — and every statement must parse in ClickHouse's
// own parser (chdb's formatQuery; chdb cannot run a cluster). The single-node DDL must stay what
// the files say, byte for byte.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { query as chdbQuery } from "chdb";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { clusterSetup, clusterStatements } from "../../src/store/cluster.js";
import { forCluster, pendingMigrations, readMigrations, repoMigrationsDir, splitStatements, withValues, type Migration } from "../../src/store/migrations.js";
import type { Store } from "../../src/store/port.js";
import { migrationOptions } from "../../src/wiring.js";
import { openMigratedChdb, tempDir } from "../support/store.js";
import { openChdbStore } from "../../src/store/chdb.js";

const CLUSTER = { name: "hotline_cluster", database: "hotline" };
const VARS = { timezone: "Asia/Shanghai" };

function sqlString(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** ClickHouse's parser, without executing: throws with the parser's message on a syntax error. */
function parse(statement: string): string {
  return chdbQuery(`SELECT formatQuery(${sqlString(statement)})`, "TSVRaw").trimEnd();
}

describe("cluster migrations", () => {
  let files: Migration[];
  let cluster: Migration[];
  let all: { file: string; statement: string }[];
  let singleNodeTables: { name: string; engine: string }[];

  beforeAll(async () => {
    files = await readMigrations(repoMigrationsDir());
    cluster = forCluster(files, CLUSTER).map((m) => withValues(m, VARS));
    all = cluster.flatMap((m) => m.statements.map((statement) => ({ file: m.file, statement })));
    const store = await openMigratedChdb(tempDir("cluster-single"));
    singleNodeTables = await store.query<{ name: string; engine: string }>(
      "SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name != 'schema_migrations' ORDER BY name",
    );
    await store.close();
  });

  it("leaves the single-node DDL exactly as the files say", async () => {
    const store: Store = await openChdbStore({ dataDir: tempDir("cluster-pending"), database: "hotline" });
    try {
      const pending = await pendingMigrations(store, { dir: repoMigrationsDir(), vars: VARS });
      const expected = await Promise.all(
        files.map(async (m) => splitStatements(await readFile(path.join(repoMigrationsDir(), m.file), "utf8")).map((s) => s.replaceAll("{{timezone}}", VARS.timezone))),
      );
      expect(pending.map((m) => m.statements)).toEqual(expected);
      expect(pending.map((m) => m.checksum)).toEqual(files.map((m) => m.checksum));
      expect(pending.flatMap((m) => m.statements).join("\n")).not.toMatch(/ON CLUSTER|Replicated|Distributed|_local\b/);
      // the cluster run reads the same files: same checksums recorded
      const onCluster = await pendingMigrations(store, { dir: repoMigrationsDir(), vars: VARS, cluster: CLUSTER });
      expect(onCluster.map((m) => m.checksum)).toEqual(files.map((m) => m.checksum));
    } finally {
      await store.close();
    }
    const text = files.map((m) => `-- ${m.file}\n${withValues(m, VARS).statements.join(";\n\n")};`).join("\n\n");
    await expect(text).toMatchFileSnapshot("__snapshots__/migrations.single-node.sql");
  });

  it("matches the reviewed cluster DDL", async () => {
    const text = cluster.map((m) => `-- ${m.file}\n${m.statements.join(";\n\n")};`).join("\n\n");
    await expect(text).toMatchFileSnapshot("__snapshots__/migrations.cluster.sql");
  });

  it("every generated statement parses in ClickHouse's parser", () => {
    expect(all.length).toBeGreaterThan(files.length);
    for (const { file, statement } of [...all, ...clusterSetup(CLUSTER).map((statement) => ({ file: "setup", statement }))]) {
      expect(() => parse(statement), `${file}: ${statement.slice(0, 200)}`).not.toThrow();
    }
    // the parser is a real check: a broken statement fails it
    expect(() => parse("CREATE TABLE x ON CLUSTER c (a String) ENGINE = ReplicatedMergeTree('/p', '{replica}' ORDER BY a")).toThrow();
  });

  it("replicates every table on the shards and puts a Distributed table of the same name over it", () => {
    const locals = new Map<string, string>();
    const distributed = new Map<string, string>();
    for (const { file, statement } of all) {
      if (!statement.startsWith("CREATE TABLE")) continue;
      const name = /^CREATE TABLE (?:IF NOT EXISTS )?(\w+) ON CLUSTER hotline_cluster\b/.exec(statement)?.[1];
      expect(name, `${file}: ${statement.slice(0, 120)}`).toBeDefined();
      const dist = /^CREATE TABLE IF NOT EXISTS (\w+) ON CLUSTER hotline_cluster AS (\w+)\nENGINE = Distributed\(hotline_cluster, hotline, (\w+), (cityHash64\(.+\))\)$/.exec(statement);
      if (dist !== null) {
        expect(dist[2]).toBe(`${dist[1]}_local`);
        expect(dist[3]).toBe(`${dist[1]}_local`);
        expect(locals.has(dist[3]!), `${file}: Distributed ${dist[1]} over a local table not created before it`).toBe(true);
        distributed.set(dist[1]!, dist[4]!);
        continue;
      }
      expect(name!, file).toMatch(/_local$/);
      const engine = /\bENGINE = (Replicated\w*MergeTree)\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/(\w+)', '\{replica\}'(?:, (\w+))?\)/.exec(statement);
      expect(engine, `${file}: ${name} is not Replicated`).not.toBeNull();
      expect(engine![2]).toBe(name);
      locals.set(name!, engine![1]!);
    }
    // the same tables as a single node, each as a Distributed table over a Replicated twin of its engine
    const tables = singleNodeTables.filter((t) => t.engine.endsWith("MergeTree"));
    expect([...distributed.keys()].sort()).toEqual(tables.map((t) => t.name).sort());
    for (const t of tables) expect(locals.get(`${t.name}_local`), t.name).toBe(`Replicated${t.engine}`);
    // engine arguments survive: the version column of ReplacingMergeTree, the summed column
    const text = all.map((s) => s.statement).join("\n");
    expect(text).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/spikes_local', '{replica}', version)");
    expect(text).toContain("ENGINE = ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/volume_minute_local', '{replica}', tickets)");
    expect(text).toContain("ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/tickets_state_local', '{replica}')");
    // a ticket's events and the state folded from them stay on one shard; detector rows by their id
    expect(distributed.get("events")).toBe("cityHash64(if(ticket_id != '', ticket_id, call_id))");
    expect(distributed.get("tickets_state")).toBe("cityHash64(ticket_id)");
    expect(distributed.get("ticket_outcomes")).toBe("cityHash64(ticket_id)");
    expect(distributed.get("repeats")).toBe("cityHash64(repeat_id)");
    expect(distributed.get("dead_letters")).toBe("cityHash64(source)");
  });

  it("points materialized views at the local source and the right target, and views at Distributed tables", () => {
    const views = all.filter((s) => /^CREATE (OR REPLACE )?(MATERIALIZED )?VIEW/.test(s.statement));
    expect(views.length).toBeGreaterThan(10);
    const mvs = new Map<string, { target: string; sources: string[] }>();
    for (const { file, statement } of views) {
      expect(statement, file).toMatch(/^CREATE (OR REPLACE )?(MATERIALIZED )?VIEW (IF NOT EXISTS )?\w+ ON CLUSTER hotline_cluster\b/);
      const mv = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+) ON CLUSTER hotline_cluster TO (\w+)\b/.exec(statement);
      const sources = [...statement.matchAll(/\b(?:FROM|JOIN)\s+(\w+)\b(?!\()/g)].map((m) => m[1]!);
      if (mv !== null) mvs.set(mv[1]!, { target: mv[2]!, sources });
      else expect(sources.filter((s) => s.endsWith("_local")), `${file}: a view reads a shard's local table`).toEqual([]);
    }
    expect(Object.fromEntries(mvs)).toEqual({
      tickets_state_mv: { target: "tickets_state_local", sources: ["events_local"] },
      volume_minute_mv: { target: "volume_minute_local", sources: ["events_local"] },
      calls_minute_mv: { target: "calls_minute_local", sources: ["events_local"] },
      // ReplacingMergeTree targets: through Distributed, so one key's rows meet on one shard for FINAL
      dimension_names_mv: { target: "dimension_names", sources: ["events_local"] },
      category_tree_mv: { target: "category_tree", sources: ["events_local"] },
    });
    // a join of two Distributed tables is GLOBAL (distributed_product_mode = deny refuses it otherwise)
    const monthly = views.find((v) => v.statement.includes("VIEW IF NOT EXISTS monthly_problems"))!.statement;
    expect(monthly).toContain("GLOBAL LEFT JOIN (SELECT ticket_id, real_resolution FROM ticket_outcomes FINAL)");
    expect(all.map((s) => s.statement).join("\n")).not.toMatch(/ARRAY GLOBAL|GLOBAL GLOBAL/);
  });

  it("alters and drops on every node, columns on both tables; backfills run once through Distributed", () => {
    const alter = all.filter((s) => s.file.startsWith("020_"));
    expect(alter.map((s) => s.statement.split("\n", 1)[0])).toEqual(["ALTER TABLE dead_letters_local ON CLUSTER hotline_cluster", "ALTER TABLE dead_letters ON CLUSTER hotline_cluster"]);
    for (const { statement } of all) if (/^(ALTER|DROP)\b/.test(statement)) expect(statement).toMatch(/^\w+ \w+ (IF (NOT )?EXISTS )?\w+ ON CLUSTER hotline_cluster\b/);
    const inserts = all.filter((s) => s.statement.startsWith("INSERT"));
    expect(inserts.map((s) => /^INSERT INTO (\w+)/.exec(s.statement)?.[1])).toEqual(["dimension_names", "category_tree"]);

    const [dropped] = clusterStatements(
      [
        { file: "001_a.sql", statements: ["CREATE TABLE IF NOT EXISTS a\n(\n    id String\n)\nENGINE = ReplacingMergeTree(v)\nORDER BY id", "CREATE VIEW IF NOT EXISTS a_view AS SELECT * FROM a WHERE id IN (SELECT id FROM a)"] },
        { file: "002_b.sql", statements: ["DROP VIEW IF EXISTS a_view", "DROP TABLE IF EXISTS a", "ALTER TABLE a ADD INDEX i id TYPE bloom_filter GRANULARITY 1"] },
      ],
      CLUSTER,
    ).slice(1);
    expect(dropped).toEqual([
      "DROP VIEW IF EXISTS a_view ON CLUSTER hotline_cluster",
      "DROP TABLE IF EXISTS a ON CLUSTER hotline_cluster",
      "DROP TABLE IF EXISTS a_local ON CLUSTER hotline_cluster",
      "ALTER TABLE a ON CLUSTER hotline_cluster ADD INDEX i id TYPE bloom_filter GRANULARITY 1",
    ]);
    const [viewIn] = clusterStatements([{ file: "001_a.sql", statements: ["CREATE TABLE a\n(id String)\nENGINE = MergeTree\nORDER BY id", "CREATE VIEW v AS SELECT * FROM a WHERE id NOT IN (SELECT id FROM a)"] }], CLUSTER);
    expect(viewIn?.[2]).toBe("CREATE VIEW v ON CLUSTER hotline_cluster AS SELECT * FROM a WHERE id GLOBAL NOT IN (SELECT id FROM a)");
  });

  it("refuses what it cannot turn into cluster DDL, naming the file", () => {
    const table = "CREATE TABLE IF NOT EXISTS t\n(\n    id String\n)\nENGINE = MergeTree\nORDER BY id";
    expect(() => clusterStatements([{ file: "001_x.sql", statements: ["RENAME TABLE a TO b"] }], CLUSTER)).toThrow(/001_x\.sql.*does not know this kind/);
    expect(() => clusterStatements([{ file: "001_x.sql", statements: ["CREATE TABLE m (id String) ENGINE = Memory"] }], CLUSTER)).toThrow(/only MergeTree-family/);
    expect(() => clusterStatements([{ file: "001_x.sql", statements: [table, "CREATE MATERIALIZED VIEW v ENGINE = MergeTree ORDER BY id AS SELECT id FROM t"] }], CLUSTER)).toThrow(/needs TO/);
    expect(() => clusterStatements([{ file: "001_x.sql", statements: [table, "CREATE MATERIALIZED VIEW v TO t AS SELECT id FROM t JOIN t AS u USING id"] }], CLUSTER)).toThrow(/exactly one table/);
  });

  it("is chosen by CLICKHOUSE_CLUSTER, which needs a ClickHouse server", () => {
    const env = { CLICKHOUSE_URL: "http://ch:8123", CLICKHOUSE_CLUSTER: "hotline_cluster", CLICKHOUSE_DATABASE: "hotline" };
    expect(migrationOptions(loadConfig(env)).cluster).toEqual(CLUSTER);
    expect(migrationOptions(loadConfig({ CLICKHOUSE_URL: "http://ch:8123" })).cluster).toBeUndefined();
    expect(() => loadConfig({ CLICKHOUSE_CLUSTER: "hotline_cluster" })).toThrow(/CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL/);
    expect(() => loadConfig({ ...env, CLICKHOUSE_CLUSTER: "a;DROP" })).toThrow(/CLICKHOUSE_CLUSTER/);
  });
});
