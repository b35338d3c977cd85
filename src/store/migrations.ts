// Numbered ClickHouse migrations (`NNN_name.sql`): applied in order, each once, recorded with a
// checksum in `schema_migrations`, so a file edited after it ran is caught instead of ignored.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { msToStoreTime } from "../contract/store-time.js";
import { SensorError } from "../errors.js";
import { clusterSetup, clusterStatements, type ClusterTarget } from "./cluster.js";
import type { Store } from "./port.js";

export interface MigrationOptions {
  /** Folder holding the `NNN_name.sql` files. */
  readonly dir: string;
  /** Values for `{{name}}` placeholders, pasted verbatim: they come from trusted configuration. */
  readonly vars: Readonly<Record<string, string>>;
  /** The worker's clock (epoch milliseconds), recorded as `applied_at`. */
  readonly now?: () => number;
  /** Set to generate ON CLUSTER, Replicated and Distributed DDL (src/store/cluster.ts); unset, the files run as written. */
  readonly cluster?: ClusterTarget;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  readonly checksum: string;
  readonly statements: readonly string[];
}

const FILE_NAME = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  checksum String,
  applied_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY version`;

function failed(message: string, cause?: unknown): SensorError {
  return new SensorError("MIGRATION_FAILED", message, cause === undefined ? {} : { cause });
}

/** `<package root>/schemas/clickhouse`, found from this module whether it runs from src or dist. */
export function repoMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw failed(`no package.json above ${fileURLToPath(import.meta.url)}: cannot locate schemas/clickhouse`);
    dir = parent;
  }
  return join(dir, "schemas", "clickhouse");
}

/**
 * Splits a file into statements at lines ending in `;`, dropping `--` comments. Quotes are
 * tracked so that `;` or `--` inside a string literal or quoted name is left alone.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    let kept = "";
    for (let i = 0; i < line.length; i++) {
      const ch = line.charAt(i);
      if (quote !== undefined) {
        kept += ch;
        if (ch === "\\" && i + 1 < line.length) kept += line.charAt(++i);
        else if (ch === quote) quote = undefined;
      } else if (ch === "-" && line.charAt(i + 1) === "-") {
        break;
      } else {
        if (ch === "'" || ch === '"' || ch === "`") quote = ch;
        kept += ch;
      }
    }
    current += kept + "\n";
    if (quote === undefined && kept.trimEnd().endsWith(";")) {
      const statement = current.trim().replace(/;$/, "").trim();
      if (statement.length > 0) statements.push(statement);
      current = "";
    }
  }
  const rest = current.trim();
  if (rest.length > 0) statements.push(rest);
  return statements;
}

/** The migrations as they run on `cluster` (all of them: earlier files tell later ones which names are tables). */
export function forCluster(migrations: readonly Migration[], cluster: ClusterTarget): Migration[] {
  const statements = clusterStatements(migrations, cluster);
  return migrations.map((migration, i) => ({ ...migration, statements: statements[i] ?? [] }));
}

/** A migration with its `{{placeholders}}` filled in. */
export function withValues(migration: Migration, vars: Readonly<Record<string, string>>): Migration {
  return { ...migration, statements: migration.statements.map((statement) => substitute(statement, vars, migration.file)) };
}

function substitute(statement: string, vars: Readonly<Record<string, string>>, file: string): string {
  return statement.replace(/\{\{\s*([^{}\s]*)\s*\}\}/g, (_match, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      const known = Object.keys(vars).join(", ") || "none";
      throw failed(`migration ${file} uses {{${name}}}, which has no value (known: ${known}): pass it in vars or fix the placeholder`);
    }
    return value;
  });
}

/** Reads every migration file in `dir`, in version order; placeholders are left in place. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw failed(`cannot read the migrations folder ${dir}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const migrations: Migration[] = [];
  for (const file of names.filter((name) => name.endsWith(".sql")).sort()) {
    const match = FILE_NAME.exec(file);
    if (match === null) throw failed(`migration file ${file} is not named NNN_name.sql: rename it`);
    const text = await readFile(join(dir, file), "utf8");
    const statements = splitStatements(text);
    const checksum = createHash("sha256").update(text).digest("hex");
    migrations.push({ version: Number(match[1]), name: match[2] ?? "", file, checksum, statements });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    const [before, after] = [migrations[i - 1], migrations[i]];
    if (before !== undefined && after !== undefined && before.version === after.version) {
      throw failed(`migrations ${before.file} and ${after.file} share version ${after.version}: renumber one`);
    }
  }
  return migrations;
}

// A type alias, not an interface: query<T extends Row> needs the implicit index signature.
type AppliedRow = {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
};

async function appliedMigrations(store: Store): Promise<Map<number, AppliedRow>> {
  const [exists] = await store.query<{ result: number }>("EXISTS TABLE schema_migrations");
  if (exists?.result !== 1) return new Map();
  const rows = await store.query<AppliedRow>("SELECT version, any(name) AS name, any(checksum) AS checksum FROM schema_migrations GROUP BY version ORDER BY version");
  return new Map(rows.map((row) => [row.version, row]));
}

function checkUnchanged(migrations: readonly Migration[], applied: ReadonlyMap<number, AppliedRow>): void {
  for (const migration of migrations) {
    const recorded = applied.get(migration.version);
    if (recorded !== undefined && recorded.checksum !== migration.checksum) {
      throw failed(
        `migration ${migration.file} was changed after it was applied (recorded checksum ${recorded.checksum.slice(0, 12)}, ` +
          `file now ${migration.checksum.slice(0, 12)}): restore the file as it was and put the change in a new numbered migration`,
      );
    }
  }
}

/**
 * The migrations not applied yet, with placeholders filled in, after checking that applied ones
 * were not edited since. Only pending files need their placeholders to have values.
 */
export async function pendingMigrations(store: Store, options: MigrationOptions): Promise<Migration[]> {
  const files = await readMigrations(options.dir);
  const applied = await appliedMigrations(store);
  checkUnchanged(files, applied);
  const migrations = options.cluster === undefined ? files : forCluster(files, options.cluster);
  return migrations.filter((migration) => !applied.has(migration.version)).map((migration) => withValues(migration, options.vars));
}

/** Applies pending migrations in order; returns the files applied and the highest applied version. */
export async function migrate(store: Store, options: MigrationOptions): Promise<{ applied: string[]; current: number }> {
  const now = options.now ?? Date.now;
  if (options.cluster === undefined) await store.command(CREATE_TABLE);
  else for (const statement of clusterSetup(options.cluster)) await store.command(statement);
  const pending = await pendingMigrations(store, options);
  const applied = await appliedMigrations(store);
  let current = Math.max(0, ...applied.keys());
  const done: string[] = [];
  for (const migration of pending) {
    for (const [index, statement] of migration.statements.entries()) {
      try {
        await store.command(statement);
      } catch (error) {
        const where = `migration ${migration.file}, statement ${index + 1} of ${migration.statements.length}`;
        const reason = error instanceof Error ? error.message : String(error);
        // An unreachable store is worth retrying; anything else needs the file fixed.
        if (error instanceof SensorError && error.retriable) throw new SensorError(error.code, `${where}: ${reason}`, { cause: error });
        throw failed(`${where} failed: ${reason}. Earlier statements of this file stay applied (ClickHouse DDL is not transactional): make them idempotent (IF NOT EXISTS) and rerun`, error);
      }
    }
    await store.insert("schema_migrations", [{ version: migration.version, name: migration.name, checksum: migration.checksum, applied_at: msToStoreTime(now()) }]);
    done.push(migration.file);
    current = Math.max(current, migration.version);
  }
  return { applied: done, current };
}
