// The payloads (`data`) of the ticket lifecycle events a 12345 ticketing system emits:
// 受理 created, 派单 dispatched, 退单 returned, 签收 accepted, 响应 responded, 延期 extended,
// 督办 supervised, 办结 closed, 重办 reopened, 并单 merged, 回访 callback.
import { z } from "zod";
import { caller, category, channel, department, freeText, instant, location, requestType, sla, urgency } from "./fields.js";

const hop = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .meta({ description: "Dispatch hop: 1 for the first dispatch, +1 for every re-dispatch (转派) after a return or transfer." });

export const ticketCreated = z.strictObject({
  channel,
  request_type: requestType,
  category,
  caller,
  location,
  title: freeText(200, "Short title (标题); scrubbed of phone and ID numbers at ingest.").optional(),
  text: freeText(20_000, "The request as recorded (诉求内容); scrubbed of phone and ID numbers at ingest.").optional(),
  urgency,
  sla: sla.optional(),
});

export const ticketDispatched = z.strictObject({
  department,
  hop,
  from_department: department.optional().meta({ description: "The department it was transferred from, for a transfer (转派)." }),
  accept_by: instant.optional().meta({ description: "签收时限 for this department; within 10 years of occurred_at." }),
  close_by: instant.optional().meta({ description: "办结时限 for this department; overrides the ticket's. Within 10 years of occurred_at." }),
});

export const ticketReturned = z.strictObject({
  department,
  hop,
  reason: freeText(2_000, "Why the department sent it back (退单理由), e.g. not its responsibility."),
});

export const ticketAccepted = z.strictObject({ department });

export const ticketResponded = z.strictObject({
  department,
  method: z.enum(["phone", "sms", "onsite", "online", "other"]).meta({ description: "How the department first contacted the caller." }),
});

export const ticketExtended = z.strictObject({
  department,
  extension: z.number().int().min(1).max(100).meta({ description: "1 for the first extension (延期) of this ticket, then 2, 3, …" }),
  new_close_by: instant.meta({ description: "The new 办结时限 after the extension; within 10 years of occurred_at." }),
  reason: freeText(2_000, "Why more time is needed."),
});

export const ticketSupervised = z.strictObject({
  by: freeText(200, "The office that supervises (督办), e.g. 市政府督查室."),
  level: z.enum(["reminder", "supervision", "escalation"]).meta({ description: "催办 reminder, 督办 supervision, or escalation to a leader (挂账/领导批示)." }),
  reason: freeText(2_000, "Why the ticket is supervised."),
  department: department.optional().meta({ description: "The department being supervised, if one." }),
});

export const resolution = z
  .enum(["resolved", "partially_resolved", "unresolved", "explained", "out_of_scope"])
  .meta({
    description:
      "How the department says it ended: resolved (已解决), partially_resolved (部分解决), unresolved (未解决), explained (已解释说明), out_of_scope (不属于受理范围).",
  });

export const ticketClosed = z.strictObject({
  department,
  resolution,
  summary: freeText(5_000, "The department's closing reply (办理结果); scrubbed of phone and ID numbers at ingest.").optional(),
});

export const ticketReopened = z.strictObject({
  reason: freeText(2_000, "Why it was reopened (重办)."),
  by: z.enum(["caller", "callback", "supervisor", "system"]).meta({ description: "Who asked for the reopening." }),
});

export const ticketMerged = z.strictObject({
  into_ticket_id: z.string().min(1).max(64).meta({ description: "The ticket this one was merged into (并单) as a duplicate." }),
});

export const surveyResult = z
  .enum(["satisfied", "basically_satisfied", "dissatisfied", "unreachable"])
  .meta({ description: "回访结果: satisfied (满意), basically_satisfied (基本满意), dissatisfied (不满意), unreachable (未接通/拒访)." });

export const ticketCallback = z.strictObject({
  result: surveyResult,
  resolved: z.boolean().optional().meta({ description: "Whether the caller said the problem was solved (问题是否解决), when asked." }),
  method: z.enum(["phone", "sms", "app", "other"]).meta({ description: "How the survey was taken (回访方式)." }),
  comment: freeText(2_000, "What the caller said; scrubbed of phone and ID numbers at ingest.").optional(),
});
