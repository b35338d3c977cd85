// The simulated hotline's category tree (分类): three levels, codes like `02.05.03`, and for every
// leaf how often it is asked, how urgent it tends to be, its SLA tier and who handles it.
import type { z } from "zod";
import type { category as categorySchema, requestType } from "../../contract/fields.js";
import { CALM, DANGER, TREE, type GroupSpec, type LeafSpec, type UrgencyMix } from "./category-tree.js";
import { DAY, HOUR } from "./clock.js";
import type { DepartmentKind } from "./departments.js";

type RequestType = z.infer<typeof requestType>;
type ContractCategory = z.infer<typeof categorySchema>;

/** SLA tiers (办理时限): emergency 2 h, water/power/gas/heat 24 h, general 7 days, complex 15 days. */
export type SlaTier = "emergency" | "utility" | "general" | "complex";

export interface SlaTerms {
  readonly acceptMs: number; // 签收时限
  readonly respondMs: number; // 响应时限
  readonly closeMs: number; // 办结时限
  readonly extendMs: number; // one 延期 adds this much
}

export const SLA_TIERS: Readonly<Record<SlaTier, SlaTerms>> = {
  emergency: { acceptMs: 0.5 * HOUR, respondMs: 1 * HOUR, closeMs: 2 * HOUR, extendMs: 2 * HOUR },
  utility: { acceptMs: 2 * HOUR, respondMs: 4 * HOUR, closeMs: 1 * DAY, extendMs: 1 * DAY },
  general: { acceptMs: 4 * HOUR, respondMs: 1 * DAY, closeMs: 7 * DAY, extendMs: 7 * DAY },
  complex: { acceptMs: 4 * HOUR, respondMs: 2 * DAY, closeMs: 15 * DAY, extendMs: 15 * DAY },
};

/** `heating`: only in 供暖季; `summer`: far more in June–August. */
export type LeafSeason = "all" | "heating" | "summer";

export interface CategoryLeaf {
  /** Position in CATEGORY_LEAVES, for array lookups. */
  readonly index: number;
  readonly code: string;
  readonly name: string;
  /** The contract's `category` object for this leaf (shared and frozen). */
  readonly category: ContractCategory;
  readonly weight: number;
  /** What the citizen says, the heart of the request text. */
  readonly issue: string;
  readonly tier: SlaTier;
  readonly urgency: UrgencyMix;
  readonly requestType: RequestType;
  readonly season: LeafSeason;
  /** The kind of department that handles it first, and the one it is bounced to (推诿). */
  readonly handler: DepartmentKind;
  readonly backup: DepartmentKind;
  /** Handled by the city bureau rather than the district one. */
  readonly cityLevel: boolean;
  /** 0 easy … 1 hard to really solve; lowers the hidden resolution probability. */
  readonly difficulty: number;
  /** Can come as a burst of many callers about one place (停水, 暖气不热, 拖欠工资 …). */
  readonly bursts: boolean;
  /** Can become a chronic hotspot of one community (占道经营, 施工噪音 …). */
  readonly chronic: boolean;
  /** The problem is out on the street rather than at home: shapes the address. */
  readonly outdoor: boolean;
  /** Not a government matter (非受理范围): closed as out_of_scope. */
  readonly outOfScope: boolean;
}

export type { UrgencyMix };


const DIFFICULTY: Readonly<Record<SlaTier, number>> = { emergency: 0.05, utility: 0.1, general: 0.2, complex: 0.45 };
const pad2 = (n: number) => String(n).padStart(2, "0");

function buildLeaf(path: readonly { code: string; name: string }[], group: GroupSpec, spec: LeafSpec): Omit<CategoryLeaf, "index"> {
  const [name, weight, issue, options = {}] = spec;
  const last = path[path.length - 1];
  if (last === undefined) throw new Error("a category path is never empty");
  const tier = options.tier ?? group.tier ?? "general";
  const category: ContractCategory = Object.freeze({ code: last.code, path: path.map((p) => ({ code: p.code, name: p.name })) });
  return {
    code: last.code,
    name,
    category,
    weight,
    issue,
    tier,
    urgency: options.urgency ?? (tier === "emergency" ? DANGER : CALM),
    requestType: options.type ?? "complaint",
    season: options.season ?? "all",
    handler: options.handler ?? group.handler,
    backup: options.backup ?? group.backup,
    cityLevel: options.city ?? false,
    difficulty: DIFFICULTY[tier],
    bursts: options.bursts ?? false,
    chronic: options.chronic ?? false,
    outdoor: group.outdoor ?? false,
    outOfScope: options.outOfScope ?? false,
  };
}

/** Every leaf of the tree, in code order. The tree is the same for every seed. */
export const CATEGORY_LEAVES: readonly CategoryLeaf[] = Object.freeze(
  TREE.flatMap(([topName, groups], t) => {
    const top = { code: pad2(t + 1), name: topName };
    return groups.flatMap((group, g) => {
      const mid = { code: `${top.code}.${pad2(g + 1)}`, name: group.name };
      return group.leaves.map((spec, l) => buildLeaf([top, mid, { code: `${mid.code}.${pad2(l + 1)}`, name: spec[0] }], group, spec));
    });
  }).map((leaf, index) => Object.freeze({ ...leaf, index })),
);

export function leafByCode(code: string): CategoryLeaf {
  const leaf = CATEGORY_LEAVES.find((l) => l.code === code);
  if (leaf === undefined) throw new RangeError(`no category leaf ${code}`);
  return leaf;
}

/** How much a leaf is asked in a season: heating complaints vanish outside 供暖季. */
export function seasonalWeight(leaf: CategoryLeaf, season: "heating" | "summer" | "other"): number {
  if (leaf.season === "heating") return season === "heating" ? leaf.weight : 0;
  if (leaf.season === "summer") return season === "summer" ? leaf.weight * 2.5 : leaf.weight * 0.6;
  return leaf.weight;
}
