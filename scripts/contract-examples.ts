// Hand-written example events, one story of a Beijing 12345 ticket (an elevator out of service in
// 朝阳区) and its calls; written to schemas/examples/ and validated by `npm run schemas:check`.
import type { EventOf, EventType, HotlineEvent } from "../src/contract/event.js";

/** One example: `name` is its file name in schemas/examples/ without `.json`; it starts with the type. */
export interface Example {
  readonly name: string;
  readonly event: HotlineEvent;
}

const example = <K extends EventType>(type: K, event: EventOf<K>, variant?: string): Example => ({
  name: variant === undefined ? type : `${type}.${variant}`,
  event,
});

const TICKET = "BJ12345-20261126-000123";
const DUPLICATE_TICKET = "BJ12345-20261126-000157";
const CALL = "ACD-20261126-0927-4471";
const ABANDONED_CALL = "ACD-20261126-0935-4490";

const ticketEnvelope = { schema_version: 1, source_system: "gongdan-v3", ticket_id: TICKET } as const;
const callEnvelope = { schema_version: 1, source_system: "acd-avaya" } as const;

const chaoyang = { code: "110105", name: "朝阳区" };
const jianwai = { code: "110105001", name: "建外街道" };
const elevatorCategory = {
  code: "02.05.03",
  path: [
    { code: "02", name: "城乡建设" },
    { code: "02.05", name: "物业管理" },
    { code: "02.05.03", name: "电梯故障" },
  ],
};
const urbanManagement = { code: "CY-CGW", name: "朝阳区城市管理委员会" };
const housing = { code: "CY-ZJW", name: "朝阳区住房和城乡建设委员会" };

export const EXAMPLES: readonly Example[] = [
  example("ticket.created", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c01",
    type: "ticket.created",
    occurred_at: "2026-11-26T09:31:12+08:00",
    data: {
      channel: "phone",
      request_type: "complaint",
      category: elevatorCategory,
      caller: { phone: "+86 138 0013 8000" },
      location: {
        district: chaoyang,
        street: jianwai,
        community: { code: "110105001013", name: "永安里东社区" },
        address: "建国门外大街永安里小区3号楼2单元",
        lat: 39.9087,
        lon: 116.4509,
      },
      title: "小区电梯停运三天无人维修",
      text: "市民来电反映：永安里小区3号楼2单元电梯自2026年11月23日起停运，物业称等待配件，楼内多位老人上下楼困难，请尽快维修。来电人另留备用电话139 0013 9000。",
      urgency: "urgent",
      sla: {
        accept_by: "2026-11-26T13:31:12+08:00",
        respond_by: "2026-11-27T09:31:12+08:00",
        close_by: "2026-12-03T17:30:00+08:00",
      },
    },
  }),
  example(
    "ticket.created",
    {
      ...ticketEnvelope,
      event_id: "5e0d3a77-1c4b-4f0e-8d2a-3b9c7e6f1a02",
      ticket_id: "BJ12345-20261126-000140",
      type: "ticket.created",
      occurred_at: "2026-11-26T10:05:47+08:00",
      data: {
        channel: "web",
        request_type: "consultation",
        category: {
          code: "05.02",
          path: [
            { code: "05", name: "社会保障" },
            { code: "05.02", name: "医疗保险" },
          ],
        },
        caller: { anonymous: true },
        location: { district: { code: "110108", name: "海淀区" }, street: { code: "110108012", name: "中关村街道" } },
        title: "灵活就业人员医保缴费基数咨询",
        text: "想咨询2027年度灵活就业人员医保缴费基数何时公布，以及能否在线上调整缴费档次。",
        urgency: "normal",
      },
    },
    "no-coordinates",
  ),
  example(
    "ticket.created",
    {
      ...ticketEnvelope,
      event_id: "9a41c2d8-7e3f-4b15-a6c0-2d8e5f9b3c03",
      ticket_id: "BJ12345-20261126-000152",
      type: "ticket.created",
      occurred_at: "2026-11-26T10:42:03+08:00",
      data: {
        channel: "app",
        request_type: "report",
        category: {
          code: "03.01.07",
          path: [
            { code: "03", name: "城市管理" },
            { code: "03.01", name: "市容环境" },
            { code: "03.01.07", name: "施工扰民" },
          ],
        },
        caller: { caller_key: "3f1c9a0e7b2d4c68a5e19f0b7d3c2a41" },
        location: {
          district: { code: "110106", name: "丰台区" },
          street: { code: "110106003", name: "右安门街道" },
          address: "右安门外大街某工地",
          lat: 39.8612,
          lon: 116.3587,
        },
        title: "工地夜间施工噪音扰民",
        text: "工地连续多日夜间23点后仍在施工，噪音很大，影响周边居民休息。",
        urgency: "normal",
      },
    },
    "caller-key",
  ),
  example("ticket.dispatched", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c04",
    type: "ticket.dispatched",
    occurred_at: "2026-11-26T09:48:05+08:00",
    data: {
      department: urbanManagement,
      hop: 1,
      accept_by: "2026-11-26T13:48:05+08:00",
      close_by: "2026-12-03T17:30:00+08:00",
    },
  }),
  example("ticket.returned", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c05",
    type: "ticket.returned",
    occurred_at: "2026-11-26T11:02:40+08:00",
    data: {
      department: urbanManagement,
      hop: 1,
      reason: "电梯安全运行属住建部门监管，不属于我委职责范围，建议转朝阳区住建委办理。",
    },
  }),
  example(
    "ticket.dispatched",
    {
      ...ticketEnvelope,
      event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c06",
      type: "ticket.dispatched",
      occurred_at: "2026-11-26T11:15:22+08:00",
      data: {
        department: housing,
        hop: 2,
        from_department: urbanManagement,
        accept_by: "2026-11-26T15:15:22+08:00",
      },
    },
    "transfer",
  ),
  example("ticket.accepted", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c07",
    type: "ticket.accepted",
    occurred_at: "2026-11-26T11:40:09+08:00",
    data: { department: housing },
  }),
  example("ticket.responded", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c08",
    type: "ticket.responded",
    occurred_at: "2026-11-26T14:20:31+08:00",
    data: { department: housing, method: "phone" },
  }),
  example("ticket.extended", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c09",
    type: "ticket.extended",
    occurred_at: "2026-12-02T16:05:00+08:00",
    data: {
      department: housing,
      extension: 1,
      new_close_by: "2026-12-10T17:30:00+08:00",
      reason: "电梯主板需向原厂订货，预计12月8日到货后安装调试。",
    },
  }),
  example("ticket.supervised", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c10",
    type: "ticket.supervised",
    occurred_at: "2026-12-04T09:00:00+08:00",
    data: {
      by: "市政府督查室",
      level: "supervision",
      reason: "涉及老年人出行安全，同一小区一周内多次来电，请加快办理并每日报送进展。",
      department: housing,
    },
  }),
  example("ticket.closed", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c11",
    type: "ticket.closed",
    occurred_at: "2026-12-09T15:42:18+08:00",
    data: {
      department: housing,
      resolution: "resolved",
      summary: "经协调物业公司和维保单位，已更换电梯主板并通过特种设备检验，电梯于12月9日恢复运行，已电话告知市民。",
    },
  }),
  example("ticket.reopened", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c12",
    type: "ticket.reopened",
    occurred_at: "2026-12-10T10:12:45+08:00",
    data: { reason: "回访时市民表示电梯恢复运行后次日再次停运。", by: "callback" },
  }),
  example("ticket.merged", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c13",
    ticket_id: DUPLICATE_TICKET,
    type: "ticket.merged",
    occurred_at: "2026-11-26T13:05:51+08:00",
    data: { into_ticket_id: TICKET },
  }),
  example("ticket.callback", {
    ...ticketEnvelope,
    event_id: "0b9f6c1e-4d2a-4c8e-9a31-6f2d8e1a7c14",
    type: "ticket.callback",
    occurred_at: "2026-12-16T15:30:02+08:00",
    data: {
      result: "basically_satisfied",
      resolved: true,
      method: "phone",
      comment: "电梯已正常运行，但维修时间偏长，希望以后加快。",
    },
  }),
  example("call.offered", {
    ...callEnvelope,
    event_id: "c7d2e4f1-3a6b-4d8c-9e0f-1a2b3c4d5e01",
    type: "call.offered",
    call_id: CALL,
    occurred_at: "2026-11-26T09:27:40+08:00",
    data: { queue: "general", caller: { phone: "13800138000" } },
  }),
  example("call.answered", {
    ...callEnvelope,
    event_id: "c7d2e4f1-3a6b-4d8c-9e0f-1a2b3c4d5e02",
    type: "call.answered",
    call_id: CALL,
    occurred_at: "2026-11-26T09:27:52+08:00",
    data: { queue: "general", agent_group: "话务一班", wait_seconds: 12 },
  }),
  example("call.ended", {
    ...callEnvelope,
    event_id: "c7d2e4f1-3a6b-4d8c-9e0f-1a2b3c4d5e03",
    type: "call.ended",
    call_id: CALL,
    occurred_at: "2026-11-26T09:31:30+08:00",
    data: { queue: "general", agent_group: "话务一班", wait_seconds: 12, talk_seconds: 218, ticket_id: TICKET },
  }),
  example("call.abandoned", {
    ...callEnvelope,
    event_id: "c7d2e4f1-3a6b-4d8c-9e0f-1a2b3c4d5e04",
    type: "call.abandoned",
    call_id: ABANDONED_CALL,
    occurred_at: "2026-11-26T09:35:18+08:00",
    data: { queue: "enterprise", wait_seconds: 47.5 },
  }),
];
