// Links straight to the Grafana panel of a result, with the time range and template variables set.
// The dashboard UIDs and variable names are a contract with dashboards/ (docs/alerts.md).

export const DASHBOARDS = {
  overview: "hotline-overview",
  spikes: "hotline-spikes",
  hotspots: "hotline-hotspots",
  repeats: "hotline-repeats",
  performance: "hotline-performance",
  monthlyProblems: "hotline-monthly-problems",
  operations: "hotline-operations",
} as const;
export type DashboardUid = (typeof DASHBOARDS)[keyof typeof DASHBOARDS];

export interface PanelLink {
  readonly uid: DashboardUid;
  readonly fromMs: number;
  readonly toMs: number;
  readonly district: string;
  readonly category: string;
  readonly department: string;
  /** The result's own variable on its dashboard: spike_id, hotspot_id or repeat_id. */
  readonly idVariable?: { readonly name: "spike_id" | "hotspot_id" | "repeat_id"; readonly value: string };
}

/** `${base}/d/${uid}/?orgId=…&from=…&to=…&var-district=…&var-category=…&var-department=…&var-channel=All[&var-<id>=…]` */
export function panelUrl(baseUrl: string, orgId: number, link: PanelLink): string {
  const v = (value: string) => encodeURIComponent(value === "" ? "All" : value);
  const base = baseUrl.replace(/\/+$/, "");
  let url =
    `${base}/d/${link.uid}/?orgId=${orgId}&from=${Math.floor(link.fromMs)}&to=${Math.ceil(link.toMs)}` +
    `&var-district=${v(link.district)}&var-category=${v(link.category)}&var-department=${v(link.department)}&var-channel=All`;
  if (link.idVariable !== undefined) url += `&var-${link.idVariable.name}=${encodeURIComponent(link.idVariable.value)}`;
  return url;
}
