// Free text as people write it (诉求内容, 退单理由, 办理结果, 回访意见): composed from the issue and
// the place, and now and then carrying a phone or ID-card number that ingest must scrub.
import type { z } from "zod";
import type { requestType as requestTypeSchema } from "../../contract/fields.js";
import type { resolution as resolutionSchema, surveyResult } from "../../contract/ticket-events.js";
import type { CallerIdentity, Channel } from "./callers.js";
import { writtenPhone } from "./callers.js";
import type { CategoryLeaf } from "./categories.js";
import type { Community } from "./city.js";
import type { Rng } from "./random.js";

export type RequestType = z.infer<typeof requestTypeSchema>;
export type Resolution = z.infer<typeof resolutionSchema>;
export type SurveyResult = z.infer<typeof surveyResult>;

const OPENING: Readonly<Record<Channel, string>> = {
  phone: "来电人反映：",
  web: "网民留言：",
  app: "市民通过APP反映：",
  wechat: "市民通过微信公众号反映：",
  sms: "短信反映：",
  mayor_mailbox: "市长信箱来信：",
  leader_board: "领导留言板留言：",
  petition: "信访人反映：",
  media: "媒体反映：",
  other: "市民反映：",
};
const DURATION = ["", "，已经持续一个多星期", "，这种情况已经很久了", "，最近几天特别严重", "，之前反映过但没人管"];
const DEMAND: Readonly<Record<RequestType, string>> = {
  complaint: "，希望相关部门尽快处理。",
  report: "，请相关部门依法查处。",
  help: "，请求尽快帮忙解决。",
  consultation: "，请相关部门给予答复。",
  suggestion: "，建议相关部门研究改进。",
  praise: "。",
};
const FULL_WIDTH_ZERO = 0xff10;

/** Where the problem is, in words: a flat in the community, or a spot on one of the street's roads. */
export function composeAddress(rng: Rng, leaf: CategoryLeaf, community: Community): string {
  const street = community.street;
  const prefix = `${street.district.name}${street.name}`;
  if (leaf.outdoor && rng.chance(0.7)) {
    return `${prefix}${rng.pick(street.roads)}${rng.intBetween(1, 199)}号`;
  }
  if (community.village) return `${prefix}${community.name}${rng.intBetween(1, 12)}组`;
  return `${prefix}${community.name}${rng.intBetween(1, 30)}号楼${rng.intBetween(1, 6)}单元`;
}

/** The body shared by every request on the same issue: place, problem, how long, what is asked. */
export function composeBody(rng: Rng, leaf: CategoryLeaf, address: string, type: RequestType): string {
  if (type === "praise") return `${address}，${leaf.name}问题已经解决，对相关部门工作人员的热心服务表示感谢。`;
  return `${address}，${leaf.issue}${rng.pick(DURATION)}${DEMAND[type]}`;
}

export function composeTitle(leaf: CategoryLeaf, community: Community, type: RequestType): string {
  const verb = type === "consultation" ? "咨询" : type === "report" ? "举报" : type === "praise" ? "表扬" : "反映";
  return `${verb}${community.name}${leaf.name}问题`;
}

/** Writes digits as full-width characters (１３８…), as some input methods do. */
function fullWidth(digits: string): string {
  return digits.replace(/[0-9]/g, (d) => String.fromCharCode(FULL_WIDTH_ZERO + Number(d)));
}

/**
 * A phone or ID-card number written into free text, now and then (about 4% of requests), in the
 * forms people use: plain, spaced, dashed, +86, full-width. Ingest must scrub every one of them.
 */
export function contactClause(rng: Rng, caller: CallerIdentity): string {
  const roll = rng.next();
  if (roll < 0.022) return `联系电话：${writtenPhone(caller, rng)}。`;
  if (roll < 0.03) return `如打不通请拨打${fullWidth(caller.phone)}。`;
  if (roll < 0.036) return `本人身份证号${caller.idNumber}，请核实。`;
  if (roll < 0.04) return `商户电话010-${rng.intBetween(60_000_000, 89_999_999)}。`;
  return "";
}

export function composeText(channel: Channel, body: string, contact: string, repeats: number): string {
  const again = repeats === 0 ? "" : repeats === 1 ? "此前已反映过，问题至今没有解决。" : `已第${repeats + 1}次反映，问题仍未解决。`;
  return `${OPENING[channel]}${again}${body}${contact}`;
}

const RETURN_REASONS = [
  "经核实，该诉求不属于我单位职责范围，请重新派发。",
  "诉求地址不在我单位辖区，请核实后转派。",
  "该问题应由物业公司或产权单位负责，建议转相关主管部门。",
  "该事项已由其他部门办理，请协调主责部门。",
  "诉求内容不清楚，无法确定承办单位，退回重新派单。",
];
export const returnReason = (rng: Rng) => rng.pick(RETURN_REASONS);

const EXTENSION_REASONS = [
  "需协调多个部门共同处理，申请延期。",
  "涉及维修工程，需等待施工队伍进场。",
  "需等待专业检测结果，申请延期办理。",
  "涉及历史遗留问题，需进一步调查核实。",
  "当事人暂时联系不上，需延期继续处理。",
];
export const extensionReason = (rng: Rng) => rng.pick(EXTENSION_REASONS);

const SUMMARIES: Readonly<Record<Resolution, readonly string[]>> = {
  resolved: ["已安排工作人员现场处理，问题已解决。", "经现场核实并督促整改，问题已整改到位。", "已协调相关单位处理完毕，来电人表示认可。"],
  partially_resolved: ["已协调处理，部分问题已解决，剩余问题正在推进。", "已采取临时措施，根本解决需纳入后续计划。"],
  unresolved: ["因客观条件限制暂无法解决，已向来电人解释。", "经多次协调，当事双方未能达成一致。"],
  explained: ["已就相关政策向来电人进行解释说明。", "已告知来电人办理流程和所需材料。", "已向来电人说明情况，来电人表示理解。"],
  out_of_scope: ["该诉求不属于政府职能范围，已告知来电人通过司法途径解决。"],
};

/** The department's closing reply; sometimes it names a staff member's mobile for follow-up. */
export function closingSummary(rng: Rng, resolution: Resolution, departmentName: string, staffPhone: string): string {
  const body = rng.pick(SUMMARIES[resolution]);
  const contact = rng.chance(0.02) ? `如有问题可联系经办人${staffPhone}。` : "";
  return `${departmentName}：${body}${contact}`;
}

const COMMENTS: Readonly<Record<SurveyResult, readonly string[]>> = {
  satisfied: ["问题解决了，很满意。", "工作人员态度很好。", "处理得很及时，谢谢。"],
  basically_satisfied: ["基本解决了，但是太慢了。", "态度还可以，问题解决了一部分。"],
  dissatisfied: ["问题根本没解决，就打电话说了一下。", "说是办结了，实际上没人来过。", "和之前一样，没有任何变化。"],
  unreachable: ["无人接听。", "拒绝回访。", "电话关机。"],
};

export function callbackComment(rng: Rng, result: SurveyResult, caller: CallerIdentity): string {
  const base = rng.pick(COMMENTS[result]);
  return result !== "unreachable" && rng.chance(0.015) ? `${base}以后请打我这个号码${writtenPhone(caller, rng)}。` : base;
}

export const REOPEN_REASONS = {
  caller: "来电人再次来电反映问题未解决，申请重办。",
  callback: "回访不满意，问题未解决，退回重办。",
  supervisor: "督查发现办理结果不实，要求重新办理。",
  system: "超期未实质办理，系统退回重办。",
} as const;

/** A department staff member's mobile (经办人电话), as closing replies sometimes give it. */
export function staffPhone(rng: Rng): string {
  return `139${String(rng.intBetween(10_000_000, 99_999_999))}`;
}
