// Every hotline dashboard, by the file name its JSON is written to (dashboards/<name>.json).
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { hotspots } from "./hotspots.js";
import { monthlyProblems } from "./monthly-problems.js";
import { operations } from "./operations.js";
import { overview } from "./overview.js";
import { performance } from "./performance.js";
import { repeats } from "./repeats.js";
import { spikes } from "./spikes.js";

export const DASHBOARDS: Readonly<Record<string, () => dashboard.Dashboard>> = {
  overview,
  spikes,
  hotspots,
  repeats,
  performance,
  "monthly-problems": monthlyProblems,
  operations,
};

/** The JSON text of a dashboard exactly as it is committed. */
export function render(build: () => dashboard.Dashboard): string {
  return `${JSON.stringify(build(), null, 2)}\n`;
}
