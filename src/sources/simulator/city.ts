// The simulated city (云州市): districts (区), streets (街道/乡镇) and communities (社区/村) with
// codes, Chinese names and WGS-84 coordinates around 39.9 N 116.4 E, sized small, medium or large.
import { CATEGORY_LEAVES, type CategoryLeaf } from "./categories.js";
import { Rng, WeightedPicker } from "./random.js";

export type CitySize = "small" | "medium" | "large";

/** How big the city is: its geography and the volume it produces. */
export interface SizeProfile {
  readonly districts: number;
  readonly innerDistricts: number;
  readonly streetsPerDistrict: readonly [min: number, max: number];
  readonly communitiesPerStreet: readonly [min: number, max: number];
  readonly radiusKm: number;
  /** Tickets a day, roughly (an average weekday, before trend and bursts). */
  readonly ticketsPerDay: number;
  /** Distinct people who may call (诉求人). */
  readonly callers: number;
  /** People who call many times a week (高频来电). */
  readonly frequentCallers: number;
  /** Bursts of many callers about one place and issue (群体诉求), per day. */
  readonly burstsPerDay: number;
  /** Agent groups (班组) on each shift of the call centre. */
  readonly agentGroupsPerShift: number;
}

export const SIZE_PROFILES: Readonly<Record<CitySize, SizeProfile>> = {
  small: {
    districts: 8,
    innerDistricts: 4,
    streetsPerDistrict: [3, 5],
    communitiesPerStreet: [3, 6],
    radiusKm: 14,
    ticketsPerDay: 300,
    callers: 60_000,
    frequentCallers: 3,
    burstsPerDay: 0.5,
    agentGroupsPerShift: 2,
  },
  medium: {
    districts: 12,
    innerDistricts: 5,
    streetsPerDistrict: [6, 10],
    communitiesPerStreet: [6, 12],
    radiusKm: 24,
    ticketsPerDay: 3_000,
    callers: 600_000,
    frequentCallers: 10,
    burstsPerDay: 2.5,
    agentGroupsPerShift: 4,
  },
  large: {
    districts: 16,
    innerDistricts: 6,
    streetsPerDistrict: [10, 16],
    communitiesPerStreet: [8, 16],
    radiusKm: 36,
    ticketsPerDay: 30_000,
    callers: 6_000_000,
    frequentCallers: 30,
    burstsPerDay: 10,
    agentGroupsPerShift: 8,
  },
};

interface Place {
  readonly code: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  /** The contract's `{ code, name }` for this place (shared, frozen). */
  readonly ref: { readonly code: string; readonly name: string };
}

/** 区 */
export interface District extends Place {
  readonly inner: boolean;
  readonly streets: readonly Street[];
}

/** 街道 / 乡镇 */
export interface Street extends Place {
  readonly district: District;
  readonly communities: readonly Community[];
  readonly roads: readonly string[];
}

/** A community's long-standing problem (a chronic hotspot, 未诉先办 material). */
export interface ChronicIssue {
  readonly leaf: CategoryLeaf;
  /** Share of the community's requests that are about it. */
  readonly share: number;
}

/** 社区 / 村 */
export interface Community extends Place {
  readonly street: Street;
  /** Relative population: how many requests it produces. */
  readonly weight: number;
  readonly village: boolean;
  readonly chronic: readonly ChronicIssue[];
}

export interface City {
  readonly code: string;
  readonly name: string;
  readonly size: CitySize;
  readonly lat: number;
  readonly lon: number;
  readonly districts: readonly District[];
  readonly streets: readonly Street[];
  readonly communities: readonly Community[];
}

const CITY = { code: "3799", name: "云州市", lat: 39.9042, lon: 116.4074 };
const INNER_DISTRICTS = ["云中区", "东湖区", "西山区", "南河区", "北苑区", "望江区"];
const OUTER_DISTRICTS = ["新城区", "临江区", "青龙区", "白塔区", "金台区", "丰泽区", "翠屏区", "凤鸣区", "石桥区", "龙泉区"];
const WORDS = (
  "和平 建国 朝阳 光明 新华 解放 人民 文化 长安 胜利 幸福 团结 友谊 永安 东风 红旗 前进 兴隆 安定 太平 " +
  "龙潭 花园 望湖 青年 北关 南关 西关 东关 椿树 柳荫 桃园 杏坛 枫林 松柏 梨园 金鱼 银杏 玉泉 翠湖 白云 " +
  "紫竹 碧水 清河 双井 三里 五里 八里 十里 马甸 牛街 羊坊 鹿鸣 凤凰 龙泉 虎坊 鹤鸣 燕山 莲花 荷塘 梅园 " +
  "兰亭 竹林 菊园 春晖 夏荷 秋实 冬青 黄庄 石佛 铁匠 丝绸 瓷器 钟楼 鼓楼 书院 学府 育才 百花 万柳 千禧"
).split(" ");
const NAME_TAILS = ["", "门", "桥", "湖", "园", "庄", "营", "口", "塘", "坡"];
const COMMUNITY_TAILS = ["里", "苑", "园", "坊", "新村", "家园", "北里", "南里", "东区", "西区", "小区", "花园"];
const ROAD_TAILS = ["路", "街", "大街", "胡同", "巷", "东路", "西路"];

/** Unique names drawn from word + tail combinations. */
class Namer {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}

  next(tails: readonly string[], suffix: string): string {
    for (let attempt = 0; ; attempt++) {
      const base = `${this.rng.pick(WORDS)}${this.rng.pick(tails)}`;
      const name = attempt > 50 ? `${base}${attempt}` : base;
      if (!this.used.has(name + suffix)) {
        this.used.add(name + suffix);
        return name + suffix;
      }
    }
  }
}

const KM_PER_DEGREE = 111.32;
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** A point uniformly inside a disc of `radiusKm` around a centre. */
function scatter(rng: Rng, lat: number, lon: number, radiusKm: number): { lat: number; lon: number } {
  const r = radiusKm * Math.sqrt(rng.next());
  const angle = rng.between(0, 2 * Math.PI);
  return offset(lat, lon, r, angle);
}

function offset(lat: number, lon: number, km: number, angle: number): { lat: number; lon: number } {
  const dLat = (km * Math.sin(angle)) / KM_PER_DEGREE;
  const dLon = (km * Math.cos(angle)) / (KM_PER_DEGREE * Math.cos((lat * Math.PI) / 180));
  return { lat: round6(lat + dLat), lon: round6(lon + dLon) };
}

function place(code: string, name: string, at: { lat: number; lon: number }): Place {
  return { code, name, lat: at.lat, lon: at.lon, ref: Object.freeze({ code, name }) };
}

function chronicIssues(rng: Rng, picker: WeightedPicker<CategoryLeaf>): ChronicIssue[] {
  const roll = rng.next();
  const count = roll < 0.04 ? 2 : roll < 0.22 ? 1 : 0;
  const issues: ChronicIssue[] = [];
  for (let i = 0; i < count; i++) issues.push({ leaf: picker.pick(rng), share: rng.between(0.15, 0.35) });
  return issues;
}

interface Building {
  rng: Rng;
  namer: Namer;
  profile: SizeProfile;
  chronicPicker: WeightedPicker<CategoryLeaf>;
}

function buildStreet(b: Building, district: District, index: number, extentKm: number, streetCount: number): Street {
  const { rng, namer, profile } = b;
  const at = scatter(rng, district.lat, district.lon, extentKm * 0.8);
  const name = namer.next(NAME_TAILS, district.inner || rng.chance(0.5) ? "街道" : rng.chance(0.8) ? "镇" : "乡");
  const street: Street = { ...place(`${district.code}${pad(index + 1, 3)}`, name, at), district, communities: [], roads: [] };
  const roads = [namer.next([""], rng.pick(ROAD_TAILS)), namer.next([""], rng.pick(ROAD_TAILS)), namer.next([""], rng.pick(ROAD_TAILS))];
  const communities: Community[] = [];
  const count = rng.intBetween(profile.communitiesPerStreet[0], profile.communitiesPerStreet[1]);
  const spread = Math.max(0.4, extentKm / Math.sqrt(streetCount));
  const rural = !name.endsWith("街道");
  for (let k = 0; k < count; k++) {
    const village = rural && rng.chance(0.6);
    const communityName = village ? namer.next(NAME_TAILS, "村") : namer.next(COMMUNITY_TAILS, "社区");
    const weight = rng.logNormal(1, 0.6) * (district.inner ? 1.4 : village ? 0.5 : 1);
    const home = scatter(rng, at.lat, at.lon, spread);
    const chronic = chronicIssues(rng, b.chronicPicker);
    communities.push({ ...place(`${street.code}${pad(k + 1, 3)}`, communityName, home), street, weight, village, chronic });
  }
  return Object.assign(street, { communities, roads });
}

/** The city for a seed and a size; the same inputs always give the same city. */
export function buildCity(seed: number, size: CitySize): City {
  const profile = SIZE_PROFILES[size];
  const rng = Rng.stream(seed, `city:${size}`);
  const chronicLeaves = CATEGORY_LEAVES.filter((leaf) => leaf.chronic);
  const b: Building = { rng, namer: new Namer(rng), profile, chronicPicker: new WeightedPicker(chronicLeaves, (l) => l.weight) };
  const districts: District[] = [];
  const outerCount = profile.districts - profile.innerDistricts;
  const turn = rng.between(0, 2 * Math.PI);
  for (let i = 0; i < profile.districts; i++) {
    const inner = i < profile.innerDistricts;
    const slot = inner ? i / profile.innerDistricts : (i - profile.innerDistricts) / outerCount;
    const ringKm = profile.radiusKm * (inner ? 0.18 : rng.between(0.55, 0.75));
    const at = offset(CITY.lat, CITY.lon, ringKm, turn + slot * 2 * Math.PI + (inner ? 0 : 0.3));
    const name = inner ? INNER_DISTRICTS[i] : OUTER_DISTRICTS[i - profile.innerDistricts];
    const district: District = { ...place(`${CITY.code}${pad(i + 1, 2)}`, name ?? `第${i + 1}区`, at), inner, streets: [] };
    const extentKm = profile.radiusKm * (inner ? 0.13 : 0.25);
    const count = rng.intBetween(profile.streetsPerDistrict[0], profile.streetsPerDistrict[1]);
    const streets = Array.from({ length: count }, (_, j) => buildStreet(b, district, j, extentKm, count));
    districts.push(Object.assign(district, { streets }));
  }
  const streets = districts.flatMap((d) => d.streets);
  const communities = streets.flatMap((s) => s.communities);
  return { ...CITY, size, districts, streets, communities };
}
