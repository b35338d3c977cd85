// deploy/clickhouse/roles.sql (least privilege on a ClickHouse server): chdb has no access control
// (CREATE ROLE is refused there), so this proves what it can: every statement parses with the
// engine's own parser, a misspelt privilege would not, and the migrator's grants cover every kind
// of statement the migrations run.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations, repoMigrationsDir, splitStatements } from "../../src/store/migrations.js";
import type { Store } from "../../src/store/port.js";
import { openMigratedChdb } from "../support/store.js";

const ROLES = fileURLToPath(new URL("../../deploy/clickhouse/roles.sql", import.meta.url));

/** Statements of an SQL file as the migrations split them, comments dropped and spaces collapsed. */
function statements(text: string): string[] {
  return splitStatements(text).map((s) => s.replace(/--[^\n]*/g, "").replace(/\s+/g, " ").trim()).filter((s) => s !== "");
}

let store: Store;
beforeAll(async () => {
  store = await openMigratedChdb();
});
afterAll(async () => {
  await store.close();
});

async function parses(sql: string): Promise<boolean> {
  try {
    await store.query("SELECT formatQuery({q:String}) AS f", { q: sql });
    return true;
  } catch {
    return false;
  }
}

describe("deploy/clickhouse/roles.sql", () => {
  const sql = statements(readFileSync(ROLES, "utf8"));

  it("has roles, a limited read-only profile, a quota and users bound to the roles", () => {
    expect(sql.length).toBeGreaterThan(10);
    for (const name of ["hotline_migrator", "hotline_writer", "hotline_analyst"]) expect(sql).toContain(`CREATE ROLE IF NOT EXISTS ${name}`);
    const profile = sql.find((s) => s.includes("SETTINGS PROFILE IF NOT EXISTS hotline_analyst_limits"));
    for (const setting of ["readonly = 2 CONST", "max_execution_time", "max_memory_usage", "max_result_rows", "result_overflow_mode = 'throw' CONST"]) expect(profile).toContain(setting);
    expect(sql.some((s) => s.startsWith("CREATE QUOTA IF NOT EXISTS hotline_analyst_quota") && s.endsWith("TO hotline_analyst"))).toBe(true);
    // the analyst may read and nothing else; the writer has no DDL but the bookkeeping table's
    const grants = sql.filter((s) => s.startsWith("GRANT") && s.includes(" ON "));
    expect(grants.filter((s) => s.endsWith("TO hotline_analyst"))).toEqual(["GRANT SELECT ON hotline.* TO hotline_analyst"]);
    expect(grants.filter((s) => s.endsWith("TO hotline_writer"))).toEqual(["GRANT SELECT, INSERT ON hotline.* TO hotline_writer", "GRANT CREATE TABLE ON hotline.schema_migrations TO hotline_writer"]);
    for (const [user, role] of [["hotline_migrate", "hotline_migrator"], ["hotline_worker", "hotline_writer"], ["hotline_analyst_user", "hotline_analyst"]]) {
      expect(sql.some((s) => s.startsWith(`CREATE USER IF NOT EXISTS ${user} `) && s.includes(`DEFAULT ROLE ${role}`))).toBe(true);
      expect(sql).toContain(`GRANT ${role} TO ${user}`);
    }
  });

  it("parses statement by statement with the engine's parser", async () => {
    const failed: string[] = [];
    for (const statement of sql) if (!(await parses(statement))) failed.push(statement);
    expect(failed).toEqual([]);
  });

  it("would not parse a misspelt privilege or setting clause (the check above can fail)", async () => {
    expect(await parses("GRANT SELEKT ON hotline.* TO hotline_analyst")).toBe(false);
    expect(await parses("CREATE SETTINGS PROFILE p SETTINGS readonly = 2 CONSTANT TO r")).toBe(false);
  });

  it("gives the migrator a privilege for every kind of statement the migrations run", async () => {
    const needs: Record<string, readonly string[]> = {
      "CREATE TABLE": ["CREATE TABLE"],
      "CREATE MATERIALIZED VIEW": ["CREATE VIEW"],
      "CREATE VIEW": ["CREATE VIEW"],
      "CREATE OR REPLACE VIEW": ["CREATE VIEW", "DROP VIEW"],
      "ALTER TABLE": ["ALTER TABLE"],
      INSERT: ["INSERT"],
    };
    const migrator = sql.filter((s) => s.startsWith("GRANT") && s.endsWith("TO hotline_migrator")).join(" ");
    const kinds = new Set<string>();
    for (const migration of await readMigrations(repoMigrationsDir())) {
      for (const statement of migration.statements.map((s) => s.replace(/--[^\n]*/g, "").replace(/\s+/g, " ").trim())) {
        const kind = Object.keys(needs).sort((a, b) => b.length - a.length).find((k) => statement.toUpperCase().startsWith(k));
        expect(kind, `${migration.file}: ${statement.slice(0, 60)}`).toBeDefined();
        kinds.add(kind!);
      }
    }
    for (const kind of kinds) for (const privilege of needs[kind]!) expect(migrator, `${kind} needs ${privilege}`).toContain(privilege);
  });
});
