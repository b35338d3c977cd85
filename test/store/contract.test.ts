// The store contract: one suite run against both adapters, chdb in-process and the HTTP adapter
// against the ClickHouse-over-chdb endpoint (its own process). Each test opens its own database.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { brokenText } from "../../src/contract/text.js";
import { SensorError } from "../../src/errors.js";
import { openChdbStore } from "../../src/store/chdb.js";
import { openClickHouseStore } from "../../src/store/clickhouse.js";
import { migrate, pendingMigrations } from "../../src/store/migrations.js";
import type { Store } from "../../src/store/port.js";
import { startClickHouseHttp } from "../clickhouse-http/spawn.js";

type OpenStore = (database: string) => Promise<Store>;

const temporaryDirs: string[] = [];
async function temporary(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
interface Adapter { readonly open: OpenStore; stop(): Promise<void> }

async function rejection(promise: Promise<unknown>): Promise<SensorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SensorError) return error;
    throw error;
  }
  throw new Error("expected the store to reject");
}

/** Strings that break naive quoting: each must come back byte for byte and match only itself. */
const NASTY = ["it's", "back\\slash", "new\nline", "tab\there", "x' OR '1'='1", "'); DROP TABLE params_t; --", "{s:String}", "\\N", "中文 ✓"];

function storeContract(kind: Store["kind"], start: () => Promise<Adapter>): void {
  describe(`store contract: ${kind}`, () => {
    let adapter: Adapter;
    const opened: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const store = await adapter.open(`t_${randomUUID().replaceAll("-", "")}`);
      opened.push(store);
      return store;
    };
    beforeAll(async () => {
      adapter = await start();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });
    afterAll(async () => {
      await adapter.stop();
    });

    it("roundtrips String, UInt64, Float64, Nullable, Array(String) and DateTime64 values", async () => {
      const store = await fresh();
      expect(store.kind).toBe(kind);
      await store.command("CREATE TABLE values_rt (id UInt32, s String, u UInt64, f Float64, n Nullable(String), a Array(String), t DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY id");
      await store.insert("values_rt", []);
      await store.insert("values_rt", [
        { id: 1, s: "plain", u: 9007199254740991, f: 1.5, n: null, a: ["x", "y'z"], t: "2024-05-06 07:08:09.123" },
        { id: 2, s: NASTY.join("|"), u: 18446744073709551615n, f: -0.25, n: "set", a: [], t: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) },
      ]);
      const rows = await store.query("SELECT id, s, u, toString(u) AS u_text, f, n, a, t FROM values_rt ORDER BY id");
      expect(rows).toEqual([
        { id: 1, s: "plain", u: 9007199254740991, u_text: "9007199254740991", f: 1.5, n: null, a: ["x", "y'z"], t: "2024-05-06 07:08:09.123" },
        { id: 2, s: NASTY.join("|"), u: 18446744073709551615, u_text: "18446744073709551615", f: -0.25, n: "set", a: [], t: "2024-01-02 03:04:05.678" },
      ]);
      await store.command("CREATE TABLE values_copy AS values_rt");
      await store.command("INSERT INTO values_copy SELECT * FROM values_rt WHERE id = {id:UInt32}", { id: 2 });
      expect(await store.query("SELECT count() AS n, any(s) AS s FROM values_copy")).toEqual([{ n: 1, s: NASTY.join("|") }]);
    });

    it("binds query parameters exactly and never as SQL", async () => {
      const store = await fresh();
      await store.command("CREATE TABLE params_t (s String) ENGINE = MergeTree ORDER BY s");
      await store.insert("params_t", NASTY.map((s) => ({ s })));
      for (const s of NASTY) {
        expect(await store.query("SELECT {s:String} AS s", { s })).toEqual([{ s }]);
        expect(await store.query("SELECT count() AS n FROM params_t WHERE s = {s:String}", { s })).toEqual([{ n: 1 }]);
      }
      expect(await store.query("SELECT count() AS n FROM params_t WHERE has({list:Array(String)}, s)", { list: NASTY })).toEqual([{ n: NASTY.length }]);
      expect(await store.query("SELECT {list:Array(String)} AS list", { list: NASTY })).toEqual([{ list: NASTY }]);
      expect(await store.query("SELECT {u:UInt64} AS u, {f:Float64} AS f, {n:Nullable(String)} AS n, {b:Bool} AS b, {nums:Array(UInt32)} AS nums", { u: 42, f: 2.5, n: null, b: true, nums: [1, 2, 3] })).toEqual([
        { u: 42, f: 2.5, n: null, b: true, nums: [1, 2, 3] },
      ]);
      expect(await store.query("SELECT count() AS n FROM params_t")).toEqual([{ n: NASTY.length }]);
      const missing = await rejection(store.query("SELECT {absent:String} AS s"));
      expect(missing).toMatchObject({ code: "STORE_REJECTED", storeCode: 456 });
    });

    it("raises SensorError with ClickHouse's code and type for a refused statement", async () => {
      const store = await fresh();
      expect(await rejection(store.query("SELECT * FROM no_such_table"))).toMatchObject({ code: "STORE_REJECTED", retriable: false, storeCode: 60, storeType: "UNKNOWN_TABLE" });
      expect(await rejection(store.command("CREATE TABLE oops ("))).toMatchObject({ code: "STORE_REJECTED", storeCode: 62, storeType: "SYNTAX_ERROR" });
      expect(await rejection(store.insert("no_such_table", [{ a: 1 }]))).toMatchObject({ code: "STORE_REJECTED", storeCode: 60 });
      expect(await rejection(store.insert("bad name; DROP", [{ a: 1 }]))).toMatchObject({ code: "STORE_REJECTED" });
      await store.command("CREATE TABLE typed (u UInt64) ENGINE = MergeTree ORDER BY u");
      const mismatch = await rejection(store.insert("typed", [{ u: "not a number" }]));
      expect(mismatch.storeCode).toEqual(expect.any(Number));
      expect(mismatch.storeType).toMatch(/^[A-Z_]+$/);
    });

    // What the engine refuses, probed (src/contract/text.ts keeps the findings): every odd string
    // comes back byte for byte exactly when the contract's text check finds nothing in it; a lone
    // high surrogate is refused (Code 25), a lone low one is stored broken.
    it("stores every odd string byte for byte unless the contract's text check finds a lone surrogate in it", async () => {
      const store = await fresh();
      await store.command("CREATE TABLE odd (k UInt32, s String, a Array(String), l LowCardinality(String)) ENGINE = MergeTree ORDER BY k");
      const odd = [
        "a\ud800b", "ab\udbff", "\udc00ab", "a\udfffb", "\udc00\ud800", "y".repeat(100_000) + "\ud800", "😀", "a\u0000b", "\u0001\u001f\u007f\u0085\u009f",
        "\ufffe\uffff\ufdd0", "\ufeffbom", "\u2028\u2029", "back\\slash \\ud800 \\u0000 \\", "\"'`", "$$ $x$ heredoc", "\t\n\r", "中".repeat(1_000_000), "\ufffd", "\u{10ffff}",
      ];
      for (const [k, s] of odd.entries()) {
        const outcome = await store.insert("odd", [{ k, s, a: [s], l: s }]).then(() => "stored" as const, (error: unknown) => error);
        if (brokenText(s) === undefined) {
          expect(outcome).toBe("stored");
          expect(await store.query("SELECT s, a, l FROM odd WHERE k = {k:UInt32}", { k })).toEqual([{ s, a: [s], l: s }]);
        } else if (outcome === "stored") {
          expect((await store.query<{ s: string }>("SELECT s FROM odd WHERE k = {k:UInt32}", { k }))[0]?.s).not.toBe(s);
        } else {
          expect(outcome).toMatchObject({ code: "STORE_REFUSED_DATA", storeCode: 25, storeType: "CANNOT_PARSE_ESCAPE_SEQUENCE" });
        }
      }
      // the one that matters: the high surrogate of the issue is refused, not stored broken
      expect(await rejection(store.insert("odd", [{ k: 99, s: "\ud800", a: [], l: "" }]))).toMatchObject({ code: "STORE_REFUSED_DATA", retriable: false, storeCode: 25 });
    });

    it("classifies the engine's refusals by its codes: the data is wrong, the request is wrong, the store is away", async () => {
      const store = await fresh();
      await store.command("CREATE TABLE typed_rows (k String, t DateTime64(3, 'UTC'), n UInt16) ENGINE = MergeTree ORDER BY k");
      const row = { k: "a", t: "2026-01-01 00:00:00.000", n: 1 };
      // the data is wrong: the rows' values cannot be parsed
      expect(await rejection(store.insert("typed_rows", [{ ...row, k: "\ud800" }]))).toMatchObject({ code: "STORE_REFUSED_DATA", retriable: false, storeCode: 25 });
      expect(await rejection(store.insert("typed_rows", [{ ...row, t: "not a time" }]))).toMatchObject({ code: "STORE_REFUSED_DATA", storeCode: 41, storeType: "CANNOT_PARSE_DATETIME" });
      expect(await rejection(store.insert("typed_rows", [{ ...row, n: -1 }]))).toMatchObject({ code: "STORE_REFUSED_DATA", storeCode: 72, storeType: "CANNOT_PARSE_NUMBER" });
      // the request is wrong: its SQL or its target
      expect(await rejection(store.query("SELECT nope(1)"))).toMatchObject({ code: "STORE_REJECTED", retriable: false, storeCode: 46, storeType: "UNKNOWN_FUNCTION" });
      expect(await rejection(store.query("SELECT nope FROM typed_rows"))).toMatchObject({ code: "STORE_REJECTED", storeCode: 47 });
      expect(await rejection(store.query("SELEC 1"))).toMatchObject({ code: "STORE_REJECTED", storeCode: 62 });
      // the store is away or busy: a limit, a timeout, a table with too many parts to take more
      expect(await rejection(store.query("SELECT count() FROM numbers(100000000000) SETTINGS max_execution_time = 0.2"))).toMatchObject({ code: "STORE_UNAVAILABLE", retriable: true, storeCode: 159 });
      expect(await rejection(store.query("SELECT groupArray(number) FROM numbers(10000000) SETTINGS max_memory_usage = 1000000"))).toMatchObject({ code: "STORE_UNAVAILABLE", storeCode: 241 });
      await store.command("CREATE TABLE crowded (k String) ENGINE = MergeTree ORDER BY k SETTINGS parts_to_throw_insert = 1, parts_to_delay_insert = 1");
      await store.command("SYSTEM STOP MERGES crowded");
      await store.insert("crowded", [{ k: "a" }]);
      expect(await rejection(store.insert("crowded", [{ k: "b" }]))).toMatchObject({ code: "STORE_UNAVAILABLE", retriable: true, storeCode: 252, storeType: "TOO_MANY_PARTS" });
    });

    // Refused whole with TOO_MANY_PARTS ("too many partitions for single INSERT block"), a code that
    // also means "busy", such a batch was retried forever: one event a month over ten years did it.
    it("takes one insert whose rows span more than 100 partitions", async () => {
      const store = await fresh();
      await store.command("CREATE TABLE monthly (t DateTime64(3, 'UTC')) ENGINE = MergeTree PARTITION BY toYYYYMM(t) ORDER BY t");
      const rows = Array.from({ length: 120 }, (_, i) => ({ t: new Date(Date.UTC(2010, i, 15)) }));
      await store.insert("monthly", rows);
      expect(await store.query("SELECT count() AS n, uniqExact(toYYYYMM(t)) AS months FROM monthly")).toEqual([{ n: 120, months: 120 }]);
    });

    it("drops a repeated insert with the same deduplication token, in the table and its views' targets", async () => {
      const store = await fresh();
      const window = "SETTINGS non_replicated_deduplication_window = 1000";
      await store.command(`CREATE TABLE calls (k String, v UInt64) ENGINE = MergeTree ORDER BY k ${window}`);
      await store.command(`CREATE TABLE calls_sum (k String, total UInt64) ENGINE = SummingMergeTree ORDER BY k ${window}`);
      await store.command("CREATE MATERIALIZED VIEW calls_sum_mv TO calls_sum AS SELECT k, sum(v) AS total FROM calls GROUP BY k");
      await store.command(`CREATE TABLE calls_agg (k String, total AggregateFunction(sum, UInt64)) ENGINE = AggregatingMergeTree ORDER BY k ${window}`);
      await store.command("CREATE MATERIALIZED VIEW calls_agg_mv TO calls_agg AS SELECT k, sumState(v) AS total FROM calls GROUP BY k");
      const totals = async (): Promise<unknown[]> => [
        ...(await store.query("SELECT count() AS rows, sum(v) AS v FROM calls")),
        ...(await store.query("SELECT sum(total) AS sum FROM calls_sum")),
        ...(await store.query("SELECT sumMerge(total) AS agg FROM calls_agg")),
      ];
      const batch = [{ k: "a", v: 1 }, { k: "b", v: 2 }];
      await store.insert("calls", batch, { deduplicationToken: "offsets-0-1" });
      await store.insert("calls", batch, { deduplicationToken: "offsets-0-1" });
      expect(await totals()).toEqual([{ rows: 2, v: 3 }, { sum: 3 }, { agg: 3 }]);
      await store.insert("calls", batch, { deduplicationToken: "offsets-2-3" });
      expect(await totals()).toEqual([{ rows: 4, v: 6 }, { sum: 6 }, { agg: 6 }]);
    });

    it("feeds a view target without its own deduplication window again (measured: ClickHouse 24.7+ behaviour)", async () => {
      const store = await fresh();
      await store.command("CREATE TABLE calls (k String, v UInt64) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 1000");
      await store.command("CREATE TABLE calls_sum (k String, total UInt64) ENGINE = SummingMergeTree ORDER BY k");
      await store.command("CREATE MATERIALIZED VIEW calls_sum_mv TO calls_sum AS SELECT k, sum(v) AS total FROM calls GROUP BY k");
      for (let i = 0; i < 2; i++) await store.insert("calls", [{ k: "a", v: 1 }], { deduplicationToken: "same" });
      expect(await store.query("SELECT count() AS rows FROM calls")).toEqual([{ rows: 1 }]);
      expect(await store.query("SELECT sum(total) AS sum FROM calls_sum")).toEqual([{ sum: 2 }]);
    });

    it("answers ping, closes idempotently and refuses work after close", async () => {
      const store = await fresh();
      expect(await store.ping()).toBe(true);
      await store.close();
      await store.close();
      expect(await store.ping()).toBe(false);
      expect(await rejection(store.query("SELECT 1"))).toMatchObject({ code: "STORE_UNAVAILABLE" });
    });

    it("applies migrations once, in order, with variables, and rejects an edited one", async () => {
      const store = await fresh();
      const dir = await temporary("migrations-");
      const first = [
        "-- calls received; a {{placeholder}} in a comment is ignored;",
        "CREATE TABLE IF NOT EXISTS {{prefix}}calls (",
        "  id UInt32,",
        "  note String DEFAULT 'a -- not a comment;'",
        ") ENGINE = MergeTree ORDER BY id;",
        "",
        "INSERT INTO {{prefix}}calls (id) VALUES (1); -- trailing comment",
      ].join("\n");
      await writeFile(join(dir, "001_calls.sql"), first);
      await writeFile(join(dir, "002_daily.sql"), [
        "CREATE TABLE IF NOT EXISTS {{prefix}}daily (n UInt64) ENGINE = SummingMergeTree ORDER BY tuple()",
        "SETTINGS non_replicated_deduplication_window = {{window}};",
        "CREATE MATERIALIZED VIEW IF NOT EXISTS {{prefix}}daily_mv TO {{prefix}}daily AS SELECT count() AS n FROM {{prefix}}calls;",
      ].join("\n"));
      const options = { dir, vars: { prefix: "hl_", window: "100" }, now: () => Date.UTC(2024, 4, 6, 7, 8, 9, 123) };

      expect(await migrate(store, options)).toEqual({ applied: ["001_calls.sql", "002_daily.sql"], current: 2 });
      expect(await store.query("SELECT id, note FROM hl_calls")).toEqual([{ id: 1, note: "a -- not a comment;" }]);
      expect(await store.query("SELECT version, name, length(checksum) AS len, applied_at FROM schema_migrations ORDER BY version")).toEqual([
        { version: 1, name: "calls", len: 64, applied_at: "2024-05-06 07:08:09.123" },
        { version: 2, name: "daily", len: 64, applied_at: "2024-05-06 07:08:09.123" },
      ]);
      expect(await migrate(store, options)).toEqual({ applied: [], current: 2 });
      expect(await pendingMigrations(store, options)).toEqual([]);

      await writeFile(join(dir, "003_more.sql"), "INSERT INTO {{prefix}}calls (id) VALUES (3);\n");
      expect((await pendingMigrations(store, options)).map((m) => m.file)).toEqual(["003_more.sql"]);
      expect(await migrate(store, options)).toEqual({ applied: ["003_more.sql"], current: 3 });
      // The view was created after row 1, so it counted only row 3.
      expect(await store.query("SELECT sum(n) AS n FROM hl_daily")).toEqual([{ n: 1 }]);

      await writeFile(join(dir, "001_calls.sql"), `${first}\n-- edited later\n`);
      const edited = await rejection(migrate(store, options));
      expect(edited).toMatchObject({ code: "MIGRATION_FAILED" });
      expect(edited.message).toMatch(/001_calls\.sql.*changed.*new numbered migration/);
      await writeFile(join(dir, "001_calls.sql"), first);

      await writeFile(join(dir, "004_typo.sql"), "SELECT {{nope}};\n");
      expect((await rejection(migrate(store, options))).message).toMatch(/004_typo\.sql uses \{\{nope\}\}/);
      await writeFile(join(dir, "004_typo.sql"), "SELECT 1;\nSELECT * FROM missing_table;\n");
      const broken = await rejection(migrate(store, options));
      expect(broken).toMatchObject({ code: "MIGRATION_FAILED" });
      expect(broken.message).toMatch(/004_typo\.sql, statement 2 of 2/);
      expect(await store.query("SELECT max(version) AS v FROM schema_migrations")).toEqual([{ v: 3 }]);
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

const chdbDataDir = await temporary("store-chdb-");
storeContract("chdb", async () => ({
  open: (database) => openChdbStore({ dataDir: chdbDataDir, database }),
  stop: async () => undefined,
}));

const httpOptions = (url: string, database: string, requestTimeoutMs = 20_000) => ({ url, username: "default", password: "secret", database, requestTimeoutMs });
storeContract("clickhouse", async () => {
  const endpoint = await startClickHouseHttp(await temporary("store-http-"));
  return { open: (database) => openClickHouseStore(httpOptions(endpoint.url, database)), stop: () => endpoint.stop() };
});

describe("store adapters: what only one of them can meet", () => {
  it("chdb refuses a second data directory in the same process as STORE_UNAVAILABLE", async () => {
    const holder = await openChdbStore({ dataDir: chdbDataDir, database: "holder" });
    const error = await rejection(openChdbStore({ dataDir: await temporary("store-other-"), database: "x" }));
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", retriable: true });
    expect(error.message).toMatch(/one data directory per process/);
    expect(await holder.ping()).toBe(true);
    await holder.close();
  });

  it("HTTP: a server nobody listens on is STORE_UNAVAILABLE", async () => {
    const error = await rejection(openClickHouseStore(httpOptions(`http://127.0.0.1:${await freePort()}`, "x")));
    expect(error).toMatchObject({ code: "STORE_UNAVAILABLE", retriable: true, storeCode: undefined });
  });

  it("HTTP: a server that goes away, or a request that times out, is STORE_UNAVAILABLE and ping says false", async () => {
    const endpoint = await startClickHouseHttp(await temporary("store-gone-"));
    const slow = await openClickHouseStore(httpOptions(endpoint.url, "slow", 300));
    expect(await rejection(slow.query("SELECT sleep(1.5) AS s"))).toMatchObject({ code: "STORE_UNAVAILABLE" });
    await slow.close();

    const store = await openClickHouseStore(httpOptions(endpoint.url, "gone"));
    expect(await store.ping()).toBe(true);
    await endpoint.stop();
    expect(await rejection(store.query("SELECT 1"))).toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect(await store.ping()).toBe(false);
    await store.close();
  });
});
