// `npm run dashboards`: writes every dashboard's JSON into dashboards/<name>.json (committed, and
// loaded by Grafana's file provider). `--check` writes nothing and exits 1 when a file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DASHBOARDS, render } from "./index.js";

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const [name, build] of Object.entries(DASHBOARDS)) {
  const file = path.join(OUT, `${name}.json`);
  const text = render(build);
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing: stale
  }
  if (current === text) continue;
  if (check) {
    stale++;
    console.error(`dashboards/${name}.json is stale: run npm run dashboards`);
  } else {
    writeFileSync(file, text);
    console.log(`wrote dashboards/${name}.json`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
