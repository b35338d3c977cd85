// One chdb data folder per test process (chdb allows one), a fresh migrated database per test.
import { openChdbStore } from "../../../src/store/chdb.js";
import { migrate, repoMigrationsDir } from "../../../src/store/migrations.js";
import type { Store } from "../../../src/store/port.js";
import { tempDir } from "../../support/store.js";

let dataDir: string | undefined;
let n = 0;

export async function openAlertStore(): Promise<Store> {
  dataDir ??= tempDir("alerts");
  const store = await openChdbStore({ dataDir, database: `alerts_${process.pid}_${n++}` });
  await migrate(store, { dir: repoMigrationsDir(), vars: { timezone: "Asia/Shanghai" } });
  return store;
}
