// The data of the category tree (分类): level-1 and level-2 names with their leaves, each leaf with
// its weight, what callers say, and how it differs from its group (tier, urgency, handler, season).
import type { z } from "zod";
import type { requestType } from "../../contract/fields.js";
import type { LeafSeason, SlaTier } from "./categories.js";
import type { DepartmentKind } from "./departments.js";

type RequestType = z.infer<typeof requestType>;

/** Shares of normal (一般), urgent (紧急) and emergency (特急). */
export type UrgencyMix = readonly [normal: number, urgent: number, emergency: number];
export const CALM: UrgencyMix = [0.95, 0.05, 0];
export const PRESSING: UrgencyMix = [0.72, 0.25, 0.03];
export const OUTAGE: UrgencyMix = [0.3, 0.5, 0.2];
export const DANGER: UrgencyMix = [0.1, 0.35, 0.55];

export interface LeafOptions {
  tier?: SlaTier;
  urgency?: UrgencyMix;
  type?: RequestType;
  season?: LeafSeason;
  handler?: DepartmentKind;
  backup?: DepartmentKind;
  city?: boolean;
  bursts?: boolean;
  chronic?: boolean;
  outOfScope?: boolean;
}
export type LeafSpec = readonly [name: string, weight: number, issue: string, options?: LeafOptions];

export interface GroupSpec {
  readonly name: string;
  readonly handler: DepartmentKind;
  readonly backup: DepartmentKind;
  readonly tier?: SlaTier;
  readonly outdoor?: boolean;
  readonly leaves: readonly LeafSpec[];
}

const group = (name: string, handler: DepartmentKind, backup: DepartmentKind, leaves: LeafSpec[], outdoor = true): GroupSpec => ({
  name,
  handler,
  backup,
  outdoor,
  leaves,
});

export const TREE: readonly (readonly [string, readonly GroupSpec[]])[] = [
  ["城市管理", [
    group("市容环境", "street", "urban", [
      ["占道经营", 20, "有商贩长期占道经营，影响行人和车辆通行", { type: "report", bursts: true, chronic: true }],
      ["乱堆乱放", 10, "路边和楼道堆放大量杂物，存在安全隐患", { chronic: true }],
      ["露天烧烤", 7, "夜间有商户露天烧烤，油烟和噪音很大", { season: "summer", chronic: true, type: "report" }],
      ["非法小广告", 4, "墙面和电线杆上贴满小广告，清理后又被贴上"],
      ["垃圾清运不及时", 14, "垃圾桶满溢，垃圾多日无人清运，气味很大", { bursts: true, chronic: true }],
      ["垃圾分类", 4, "垃圾分类驿站设置不合理，居民投放很不方便", { type: "suggestion" }],
    ]),
    group("违法建设", "urban", "street", [
      ["小区内违建", 10, "有住户私自搭建违建，占用小区公共空间", { type: "report", chronic: true, tier: "complex" }],
      ["楼顶违建", 5, "顶楼住户在楼顶私搭乱建，影响楼体安全", { type: "report", tier: "complex" }],
      ["临街违建", 4, "临街商户私自扩建门脸，占用人行道", { type: "report" }],
    ]),
    group("市政设施", "urban", "street", [
      ["路灯不亮", 8, "路灯已经坏了好几天，晚上出行很不安全", { urgency: PRESSING }],
      ["井盖缺失破损", 4, "路面井盖缺失，过往行人车辆很容易掉进去", { tier: "emergency", urgency: DANGER }],
      ["道路破损", 7, "路面坑洼破损严重，电动车经过容易摔倒"],
      ["道路积水", 5, "下雨后道路严重积水，车辆行人无法通行", { tier: "utility", urgency: OUTAGE, season: "summer", bursts: true }],
    ]),
    group("园林绿化", "street", "urban", [
      ["树木修剪", 6, "树枝遮挡窗户和路灯，请求及时修剪", { type: "help" }],
      ["绿地被占", 3, "小区绿地被毁改成停车位"],
    ]),
    group("停车管理", "street", "police", [
      ["乱停车", 9, "车辆乱停乱放，把道路都堵死了", { chronic: true }],
      ["停车收费", 4, "停车场收费不规范，乱收停车费"],
      ["共享单车乱停放", 5, "共享单车大量堆放，占用人行道和盲道", { chronic: true }],
    ]),
  ]],
  ["城乡建设", [
    group("房屋安全", "housing", "street", [
      ["房屋漏水", 8, "楼上漏水，导致家中墙面和屋顶渗水发霉", { urgency: PRESSING }],
      ["墙体开裂", 3, "楼体外墙出现明显裂缝，担心房屋安全", { urgency: PRESSING, tier: "complex" }],
      ["外墙脱落", 2, "外墙保温层脱落，存在高空坠物隐患", { urgency: DANGER, tier: "emergency" }],
    ], false),
    group("老旧小区改造", "housing", "street", [
      ["改造进度慢", 4, "老旧小区改造施工进度缓慢，严重影响居民生活", { tier: "complex", chronic: true }],
      ["加装电梯", 5, "想给老楼加装电梯，咨询办理流程和补贴政策", { tier: "complex", type: "consultation" }],
    ], false),
    group("房屋租赁", "housing", "police", [
      ["群租房", 5, "楼内有群租房，人员混杂，存在安全隐患", { type: "report", chronic: true }],
      ["中介纠纷", 5, "房屋中介拒不退还押金和中介费", { tier: "complex" }],
      ["长租公寓退租", 3, "长租公寓经营方跑路，押金和预交租金无法退还", { tier: "complex", bursts: true }],
    ], false),
    group("房地产开发", "housing", "planning", [
      ["延期交房", 3, "开发商延期交房，一直没有明确的交房时间", { tier: "complex", bursts: true, city: true }],
      ["不动产权证办理", 4, "购房多年仍无法办理不动产权证", { tier: "complex", bursts: true }],
      ["新房质量问题", 3, "新房存在渗水、墙面空鼓等质量问题，开发商不予维修", { tier: "complex" }],
    ], false),
    group("物业管理", "housing", "street", [
      ["物业服务差", 14, "物业公司服务不到位，公共区域长期无人打扫", { chronic: true }],
      ["物业收费", 8, "物业费上涨不合理，也没有公示收费明细"],
      ["电梯故障", 12, "小区电梯频繁故障停运，老人上下楼非常困难", { urgency: PRESSING, chronic: true }],
      ["小区停车", 6, "小区停车位不足，物业还乱收停车费"],
      ["公共设施维修", 6, "单元门门禁坏了很久，物业迟迟不维修"],
    ], false),
    group("建筑施工", "housing", "environment", [
      ["工地围挡破损", 2, "工地围挡破损，渣土外露"],
      ["渣土车遗撒", 3, "渣土车夜间行驶遗撒，道路又脏又滑", { chronic: true }],
    ]),
  ]],
  ["水电气热", [
    { name: "供水", handler: "water", backup: "housing", tier: "utility", leaves: [
      ["停水", 12, "家中突然停水，事先没有收到任何通知", { urgency: OUTAGE, type: "help", bursts: true, city: true }],
      ["水压低", 5, "高层住户水压不足，做饭洗澡都困难", { urgency: PRESSING, chronic: true, city: true }],
      ["水质问题", 4, "自来水发黄、有异味，不敢饮用", { urgency: PRESSING, bursts: true, city: true }],
      ["水费争议", 2, "水费异常偏高，怀疑水表计量有问题", { tier: "general", city: true }],
    ] },
    { name: "排水", handler: "water", backup: "street", tier: "utility", leaves: [
      ["下水道堵塞", 7, "下水道堵塞，污水从地漏返上来", { urgency: PRESSING, chronic: true }],
      ["化粪池外溢", 3, "化粪池满溢，污水流到路面，气味难闻", { urgency: PRESSING }],
    ] },
    { name: "供电", handler: "power", backup: "housing", tier: "utility", leaves: [
      ["停电", 10, "小区突然停电，到现在还没有恢复", { urgency: OUTAGE, type: "help", bursts: true }],
      ["电压不稳", 3, "电压不稳，家里电器经常跳闸", { urgency: PRESSING }],
      ["电费争议", 2, "电费突然增加很多，怀疑电表计量有误", { tier: "general" }],
    ] },
    { name: "燃气", handler: "gas", backup: "housing", tier: "utility", leaves: [
      ["燃气泄漏", 2, "楼道里闻到很浓的燃气味，怀疑燃气泄漏", { tier: "emergency", urgency: DANGER, type: "help" }],
      ["停气", 3, "燃气突然停供，家里无法做饭", { urgency: OUTAGE, type: "help", bursts: true }],
      ["燃气缴费", 2, "燃气卡充值后无法使用", { tier: "general" }],
    ] },
    { name: "供暖", handler: "heating", backup: "housing", tier: "utility", leaves: [
      ["暖气不热", 30, "暖气不热，室温只有十几度，家里有老人孩子", { season: "heating", urgency: PRESSING, bursts: true, chronic: true }],
      ["暖气漏水", 6, "暖气管道漏水，地面大量积水", { season: "heating", urgency: OUTAGE }],
      ["供暖费", 4, "对供暖费收费标准有疑问，想咨询减免政策", { season: "heating", tier: "general", type: "consultation" }],
      ["未按时供暖", 5, "已经到了供暖时间，家里仍然没有供暖", { season: "heating", urgency: PRESSING, bursts: true }],
    ] },
  ]],
  ["市场监管", [
    group("消费维权", "market", "street", [
      ["商品质量", 6, "购买的商品存在质量问题，商家拒绝退换"],
      ["预付卡退费", 8, "健身房突然关门，预付卡余额无法退还", { tier: "complex", bursts: true }],
      ["虚假宣传", 3, "商家虚假宣传，夸大产品功效"],
      ["网购纠纷", 5, "网购商品与描述严重不符，平台不予处理"],
      ["价格欺诈", 3, "商家标价与实际结算价格不一致"],
    ], false),
    group("食品安全", "market", "health", [
      ["餐饮卫生", 6, "餐馆后厨卫生状况差，吃完饭后出现腹泻", { type: "report" }],
      ["过期食品", 4, "超市销售过期食品", { type: "report" }],
      ["无证经营", 3, "路边小餐馆无证经营", { type: "report", chronic: true }],
    ]),
    group("药品监管", "market", "health", [["药店违规售药", 2, "药店无处方销售处方药", { type: "report" }]], false),
  ]],
  ["劳动社保", [
    { name: "劳动关系", handler: "labour", backup: "street", tier: "complex", leaves: [
      ["拖欠工资", 12, "公司拖欠工资三个月，老板联系不上", { bursts: true }],
      ["劳动合同纠纷", 4, "公司一直不和员工签订劳动合同"],
      ["违法辞退", 3, "公司违法辞退员工，不给经济补偿"],
    ] },
    { name: "社会保险", handler: "labour", backup: "street", leaves: [
      ["社保缴纳", 5, "单位没有按规定给员工缴纳社保"],
      ["养老金", 4, "想咨询养老金的领取条件和计算方式", { type: "consultation", city: true }],
      ["医保报销", 5, "异地就医医保报销流程不清楚", { type: "consultation", handler: "health", city: true }],
    ] },
    { name: "就业创业", handler: "labour", backup: "business", leaves: [
      ["就业补贴", 3, "想咨询灵活就业社保补贴如何申请", { type: "consultation" }],
      ["职业培训", 2, "想咨询政府补贴的职业技能培训", { type: "consultation" }],
    ] },
  ]],
  ["交通运输", [
    group("出租车网约车", "transport", "police", [
      ["出租车拒载", 4, "出租车司机拒载、议价", { city: true }],
      ["网约车服务", 4, "网约车司机故意绕路多收费", { city: true }],
    ]),
    group("公共交通", "transport", "street", [
      ["公交线路", 5, "希望增开或调整公交线路，方便居民出行", { type: "suggestion", city: true }],
      ["公交服务", 4, "公交车司机服务态度差，到站不停车", { city: true }],
      ["地铁拥挤", 3, "地铁早高峰过于拥挤，建议加密班次", { type: "suggestion", city: true }],
    ]),
    group("道路交通", "police", "transport", [
      ["信号灯故障", 3, "路口信号灯故障，交通秩序混乱", { tier: "utility", urgency: OUTAGE }],
      ["交通拥堵", 4, "路口长期拥堵，建议优化信号灯配时", { type: "suggestion", chronic: true }],
      ["违章停车", 6, "机动车长期违停，占用非机动车道", { type: "report", chronic: true }],
    ]),
  ]],
  ["生态环境", [
    group("大气污染", "environment", "urban", [
      ["工地扬尘", 5, "附近工地扬尘严重，没有采取覆盖措施", { chronic: true }],
      ["餐饮油烟", 6, "楼下餐馆油烟直排，严重影响楼上居民", { chronic: true }],
      ["焚烧垃圾", 2, "有人露天焚烧垃圾，烟味刺鼻", { type: "report" }],
    ]),
    group("水污染", "environment", "water", [
      ["河道污染", 2, "河道水体发黑发臭", { season: "summer", chronic: true }],
      ["非法排污", 2, "附近企业夜间偷排污水", { type: "report" }],
    ]),
    group("噪声污染", "environment", "urban", [
      ["施工噪音", 12, "附近工地夜间施工，噪音严重扰民", { bursts: true, chronic: true }],
      ["商业噪音", 5, "商户用大音量播放音乐招揽顾客"],
      ["社会生活噪音", 6, "广场舞音响声音过大，晚上无法休息", { handler: "street", backup: "police", season: "summer", chronic: true }],
      ["交通噪音", 2, "快速路车辆噪音很大，建议加装隔音屏", { type: "suggestion" }],
    ]),
  ]],
  ["教育", [
    group("学前教育", "education", "street", [
      ["入园难", 3, "附近公办幼儿园学位不足，孩子入园难", { tier: "complex" }],
      ["幼儿园收费", 2, "民办幼儿园收费过高，且随意涨价"],
    ], false),
    group("义务教育", "education", "street", [
      ["入学政策", 5, "想咨询小学入学政策和学区划分", { type: "consultation" }],
      ["校外培训", 3, "校外培训机构违规开展学科类培训", { type: "report" }],
      ["教师师德", 2, "学校老师有偿补课"],
    ], false),
    group("校园安全", "education", "police", [["校园周边安全", 2, "学校周边交通秩序混乱，接送孩子存在安全隐患"]]),
  ]],
  ["卫生健康", [
    group("医疗服务", "health", "market", [
      ["医院服务态度", 4, "医院工作人员服务态度差"],
      ["挂号难", 3, "医院专家号很难挂到，怀疑有号贩子倒号"],
      ["医疗纠纷", 2, "对医院的诊疗结果有异议，要求给个说法", { tier: "complex" }],
    ], false),
    group("公共卫生", "health", "street", [
      ["病媒生物", 3, "小区老鼠蟑螂很多，希望安排消杀", { type: "help", chronic: true }],
      ["疫苗接种", 2, "想咨询疫苗接种的时间和地点", { type: "consultation" }],
    ], false),
  ]],
  ["公共安全", [
    group("治安管理", "police", "street", [
      ["电信诈骗", 3, "接到诈骗电话被骗了钱", { type: "report" }],
      ["可疑人员", 1, "小区里有可疑人员徘徊", { urgency: PRESSING }],
    ], false),
    group("消防安全", "street", "police", [
      ["消防通道堵塞", 4, "消防通道被车辆和杂物堵塞", { urgency: PRESSING, chronic: true }],
      ["电动车楼道充电", 4, "有住户在楼道里给电动车充电，存在火灾隐患", { type: "report", urgency: PRESSING }],
    ], false),
    group("安全生产", "police", "environment", [
      ["危化品违规存放", 1, "居民区附近违规存放危险化学品", { type: "report", tier: "emergency", urgency: DANGER }],
    ]),
  ]],
  ["民政服务", [
    group("养老服务", "civil", "street", [
      ["养老机构", 2, "养老院服务质量差，老人照顾不周"],
      ["居家养老补贴", 3, "想咨询居家养老服务补贴怎么申请", { type: "consultation" }],
    ], false),
    group("社会救助", "civil", "street", [
      ["低保审核", 3, "申请低保审核时间过长，一直没有结果", { tier: "complex" }],
      ["困难救助", 2, "家庭遭遇变故，生活非常困难，请求救助", { type: "help" }],
    ], false),
    group("残疾人服务", "civil", "street", [["残疾人补贴", 2, "想咨询残疾人两项补贴的申请条件", { type: "consultation" }]], false),
  ]],
  ["咨询类", [
    group("政策咨询", "police", "centre", [
      ["户籍办理", 6, "想咨询落户政策和需要准备的材料", { type: "consultation" }],
      ["公积金", 5, "想咨询公积金提取的条件", { type: "consultation", handler: "housing", city: true }],
      ["出入境", 2, "想咨询护照和港澳通行证的办理流程", { type: "consultation" }],
    ], false),
    group("办事指南", "police", "centre", [
      ["居住证办理", 5, "想咨询居住证的办理地点和材料", { type: "consultation" }],
      ["营业执照", 3, "想咨询个体工商户营业执照怎么办理", { type: "consultation", handler: "market" }],
    ], false),
    group("其他", "centre", "street", [
      ["非受理范围", 2, "要求政府出面解决私人之间的债务纠纷", { outOfScope: true }],
    ], false),
  ]],
  ["企业服务", [
    group("涉企服务", "business", "market", [
      ["惠企政策", 3, "想咨询小微企业税费减免和补贴政策", { type: "consultation", city: true }],
      ["行政审批", 2, "企业办理审批手续时间过长", { tier: "complex" }],
      ["涉企收费", 1, "企业被要求缴纳不合理的费用", { tier: "complex", type: "report" }],
    ], false),
    group("拖欠账款", "business", "labour", [
      ["拖欠企业账款", 1, "政府项目拖欠企业工程款", { tier: "complex", city: true }],
    ], false),
  ]],
];
