// The departments (承办单位) that handle tickets, and their hidden behaviour: how fast they work,
// how often they bounce tickets back (退单), how often closing really solves the problem. The
// events never show it; it is exported so later work can score departments against the truth.
import type { CategoryLeaf } from "./categories.js";
import type { City, District, Street } from "./city.js";
import { Rng } from "./random.js";

/** What a department does, whatever its level: 街道 street office, 住建 housing, 城管 urban … */
export type DepartmentKind =
  | "street"
  | "housing"
  | "urban"
  | "water"
  | "power"
  | "gas"
  | "heating"
  | "market"
  | "labour"
  | "transport"
  | "environment"
  | "education"
  | "health"
  | "police"
  | "civil"
  | "planning"
  | "business"
  | "centre";

/** 12345 centre, city bureau (市级), district bureau (区级) or street office (街乡镇). */
export type DepartmentLevel = "centre" | "city" | "district" | "street";

/** The character behind the numbers; `bouncer` returns tickets, `closer` closes without solving. */
export type Archetype = "diligent" | "typical" | "slow" | "bouncer" | "closer" | "extender";

/** How a department really behaves (hidden from the events). */
export interface DepartmentBehaviour {
  readonly archetype: Archetype;
  /** Multiplies every handling time: 0.5 is twice as fast as usual, 2 twice as slow. */
  readonly speed: number;
  /** Probability of sending a freshly dispatched ticket back (退单) at hop 1; it decays with hops. */
  readonly returnRate: number;
  /** Probability that the problem is really solved at closing (真实解决), before leaf difficulty. */
  readonly resolveRate: number;
  /** When not solved: probability of still declaring it resolved (办结≠解决). */
  readonly falseClosureRate: number;
  /** When the deadline will be missed: probability of asking for an extension (延期) first. */
  readonly extensionRate: number;
}

export interface Department {
  readonly code: string;
  readonly name: string;
  readonly kind: DepartmentKind;
  readonly level: DepartmentLevel;
  readonly districtCode: string | undefined;
  /** The contract's `department` object (shared, frozen). */
  readonly ref: { readonly code: string; readonly name: string };
  readonly behaviour: DepartmentBehaviour;
}

type Traits = Omit<DepartmentBehaviour, "archetype">;
const ARCHETYPES: Readonly<Record<Archetype, Traits>> = {
  diligent: { speed: 0.5, returnRate: 0.03, resolveRate: 0.92, falseClosureRate: 0.05, extensionRate: 0.6 },
  typical: { speed: 1.0, returnRate: 0.08, resolveRate: 0.78, falseClosureRate: 0.2, extensionRate: 0.4 },
  slow: { speed: 2.2, returnRate: 0.1, resolveRate: 0.72, falseClosureRate: 0.25, extensionRate: 0.25 },
  bouncer: { speed: 1.2, returnRate: 0.45, resolveRate: 0.66, falseClosureRate: 0.3, extensionRate: 0.3 },
  closer: { speed: 0.7, returnRate: 0.05, resolveRate: 0.45, falseClosureRate: 0.8, extensionRate: 0.1 },
  extender: { speed: 1.6, returnRate: 0.06, resolveRate: 0.76, falseClosureRate: 0.2, extensionRate: 0.92 },
};
const ARCHETYPE_SHARES: readonly (readonly [Archetype, number])[] = [
  ["diligent", 0.15],
  ["slow", 0.12],
  ["bouncer", 0.12],
  ["closer", 0.1],
  ["extender", 0.09],
];

type BureauKind = Exclude<DepartmentKind, "street" | "centre">;
const CITY_BUREAUS: Readonly<Record<BureauKind, string>> = {
  housing: "住房和城乡建设委员会",
  urban: "城市管理委员会",
  water: "自来水集团",
  power: "供电公司",
  gas: "燃气集团",
  heating: "热力集团",
  market: "市场监督管理局",
  labour: "人力资源和社会保障局",
  transport: "交通委员会",
  environment: "生态环境局",
  education: "教育委员会",
  health: "卫生健康委员会",
  police: "公安局",
  civil: "民政局",
  planning: "规划和自然资源委员会",
  business: "政务服务管理局",
};
const DISTRICT_BUREAUS: Readonly<Partial<Record<BureauKind, string>>> = {
  housing: "住房和城乡建设委员会",
  urban: "城市管理综合行政执法局",
  water: "水务局",
  market: "市场监督管理局",
  labour: "人力资源和社会保障局",
  transport: "交通委员会",
  environment: "生态环境局",
  education: "教育委员会",
  health: "卫生健康委员会",
  police: "分局",
  civil: "民政局",
};

/** Every department of the city and where a ticket goes (派单 route). */
export interface DepartmentDirectory {
  readonly all: readonly Department[];
  /** The 12345 centre itself: answers consultations directly (直办) and out-of-scope requests. */
  readonly centre: Department;
  /** Departments in dispatch order: the first one, then where returns are re-dispatched (转派). */
  route(leaf: CategoryLeaf, street: Street): readonly Department[];
}

function behaviourOf(archetype: Archetype, rng: Rng): DepartmentBehaviour {
  const base = ARCHETYPES[archetype];
  const jitter = (v: number, cap: number) => Math.min(cap, v * rng.between(0.85, 1.15));
  return Object.freeze({
    archetype,
    speed: jitter(base.speed, 5),
    returnRate: jitter(base.returnRate, 0.9),
    resolveRate: jitter(base.resolveRate, 0.98),
    falseClosureRate: jitter(base.falseClosureRate, 0.95),
    extensionRate: jitter(base.extensionRate, 0.98),
  });
}

/** Archetypes for a peer group, in proportion, with at least one of each marked kind when it is big enough. */
function archetypesFor(count: number, rng: Rng): Archetype[] {
  const list: Archetype[] = [];
  for (const [archetype, share] of ARCHETYPE_SHARES) {
    const n = Math.max(count >= 6 ? 1 : 0, Math.round(count * share));
    for (let i = 0; i < n && list.length < count; i++) list.push(archetype);
  }
  while (list.length < count) list.push("typical");
  return rng.shuffle(list);
}

interface Blueprint {
  code: string;
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  districtCode: string | undefined;
}

function blueprintsOf(city: City): Blueprint[][] {
  const cityLevel: Blueprint[] = (Object.keys(CITY_BUREAUS) as BureauKind[]).map((kind) => ({
    code: `${city.code}.${kind}`,
    name: `${city.name}${CITY_BUREAUS[kind]}`,
    kind,
    level: "city",
    districtCode: undefined,
  }));
  const districtLevel = city.districts.flatMap((district) => districtBureaus(city, district));
  const streetLevel: Blueprint[] = city.streets.map((street) => ({
    code: `${street.code}.street`,
    name: street.name.endsWith("街道") ? `${street.name}办事处` : `${street.name}人民政府`,
    kind: "street",
    level: "street",
    districtCode: street.district.code,
  }));
  return [cityLevel, districtLevel, streetLevel];
}

function districtBureaus(city: City, district: District): Blueprint[] {
  return (Object.keys(DISTRICT_BUREAUS) as BureauKind[]).map((kind) => ({
    code: `${district.code}.${kind}`,
    name: kind === "police" ? `${city.name}公安局${district.name}分局` : `${district.name}${DISTRICT_BUREAUS[kind] ?? ""}`,
    kind,
    level: "district",
    districtCode: district.code,
  }));
}

function materialise(draft: Blueprint, behaviour: DepartmentBehaviour): Department {
  return Object.freeze({ ...draft, ref: Object.freeze({ code: draft.code, name: draft.name }), behaviour });
}

/** The departments of a city with their hidden behaviour; deterministic from the seed. */
export function buildDepartments(seed: number, city: City): DepartmentDirectory {
  const rng = Rng.stream(seed, "departments");
  const all: Department[] = [];
  for (const group of blueprintsOf(city)) {
    const archetypes = archetypesFor(group.length, rng);
    group.forEach((draft, i) => all.push(materialise(draft, behaviourOf(archetypes[i] ?? "typical", rng))));
  }
  const centre = materialise(
    { code: `${city.code}.centre`, name: `${city.name}12345市民服务热线中心`, kind: "centre", level: "centre", districtCode: undefined },
    Object.freeze({ archetype: "diligent", speed: 0.5, returnRate: 0, resolveRate: 0.95, falseClosureRate: 0.05, extensionRate: 0.5 }),
  );
  all.push(centre);
  return new Directory(city, all, centre);
}

class Directory implements DepartmentDirectory {
  private readonly byCode = new Map<string, Department>();
  /** Per street, routes by leaf index: computed once, looked up for every ticket. */
  private readonly routes = new Map<Street, (readonly Department[] | undefined)[]>();

  constructor(
    private readonly city: City,
    readonly all: readonly Department[],
    readonly centre: Department,
  ) {
    for (const department of all) this.byCode.set(department.code, department);
  }

  route(leaf: CategoryLeaf, street: Street): readonly Department[] {
    let byLeaf = this.routes.get(street);
    if (byLeaf === undefined) {
      byLeaf = [];
      this.routes.set(street, byLeaf);
    }
    let route = byLeaf[leaf.index];
    if (route === undefined) {
      route = this.computeRoute(leaf, street);
      byLeaf[leaf.index] = route;
    }
    return route;
  }

  private computeRoute(leaf: CategoryLeaf, street: Street): readonly Department[] {
    const primary = this.resolve(leaf.handler, street, leaf.cityLevel);
    const candidates = [primary, this.resolve(leaf.backup, street, false), this.third(primary, street)];
    return Object.freeze(candidates.filter((d, i) => candidates.indexOf(d) === i));
  }

  /** Where a third dispatch goes: the next street office (地址不在辖区), or the other level of the same kind. */
  private third(primary: Department, street: Street): Department {
    if (primary.level === "street" || primary.level === "centre") {
      const peers = street.district.streets;
      const next = peers[(peers.indexOf(street) + 1) % peers.length] ?? street;
      return this.get(`${next.code}.street`);
    }
    const other = primary.level === "city" ? `${street.district.code}.${primary.kind}` : `${this.city.code}.${primary.kind}`;
    return this.byCode.get(other) ?? this.get(`${street.code}.street`);
  }

  private resolve(kind: DepartmentKind, street: Street, cityLevel: boolean): Department {
    if (kind === "centre") return this.centre;
    if (kind === "street") return this.get(`${street.code}.street`);
    const district = this.byCode.get(`${street.district.code}.${kind}`);
    if (!cityLevel && district !== undefined) return district;
    return this.get(`${this.city.code}.${kind}`);
  }

  private get(code: string): Department {
    const department = this.byCode.get(code);
    if (department === undefined) throw new Error(`no department ${code}`);
    return department;
  }
}
