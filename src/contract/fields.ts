// Building blocks of the event contract shared by several event types: codes with names,
// timestamps, departments, the location hierarchy, the category tree and the caller.
import { z } from "zod";

/** An ISO 8601 instant that carries its UTC offset (`2026-11-26T09:30:00+08:00` or `…Z`). */
export const instant = z.iso.datetime({
  offset: true,
  error: "must be an ISO 8601 instant with its UTC offset, e.g. 2026-11-26T09:30:00+08:00",
});

const code = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, "codes use letters, digits and _ . : -");
const name = z.string().min(1).max(200);

/** A coded entity with its display name, as the ticketing system knows it. */
export const codeName = (what: string) =>
  z.strictObject({
    code: code.meta({ description: `${what} code, stable across renames` }),
    name: name.meta({ description: `${what} display name, e.g. in Chinese` }),
  });

export const department = codeName("Department (承办单位)").meta({
  description: "The department (承办单位) that handles the step, e.g. a district housing bureau or a street office.",
});

/** 渠道: how the request reached the hotline. */
export const channel = z
  .enum(["phone", "web", "app", "wechat", "sms", "mayor_mailbox", "leader_board", "petition", "media", "other"])
  .meta({
    description:
      "渠道 channel: phone (电话), web (网站), app, wechat (微信), sms (短信), mayor_mailbox (市长信箱), leader_board (领导留言板), petition (信访), media (媒体), other.",
  });

/** 诉求类型: what the caller asks for. */
export const requestType = z
  .enum(["complaint", "report", "help", "consultation", "suggestion", "praise"])
  .meta({
    description: "诉求类型 request type: complaint (投诉), report (举报), help (求助), consultation (咨询), suggestion (建议), praise (表扬).",
  });

export const urgency = z
  .enum(["normal", "urgent", "emergency"])
  .meta({ description: "紧急程度: normal (一般), urgent (紧急), emergency (特急: life, safety, water/power/gas/heat outages)." });

/** 分类: a node in the hotline's category tree, with its path from the root. */
export const category = z
  .strictObject({
    code: code.meta({ description: "The leaf category code the ticket was filed under (e.g. `02.05.03`)." }),
    path: z
      .array(codeName("Category level"))
      .min(1)
      .max(6)
      .meta({ description: "The path from the root of the taxonomy to the leaf, e.g. 城乡建设 > 物业管理 > 电梯故障; the last item is the leaf." }),
  })
  .refine((c) => c.path[c.path.length - 1]?.code === c.code, {
    message: "category.code must equal the code of the last item of category.path",
    path: ["code"],
  })
  .meta({ description: "分类 category: the leaf code and its path in the category tree." });

/** 诉求人: the citizen. A raw phone is hashed at ingest and never stored. */
export const caller = z
  .union([
    z.strictObject({
      phone: z
        .string()
        .min(3)
        .max(32)
        .meta({ description: "The caller's phone number in clear. Replaced by a keyed hash (caller_key) at ingest; never stored." }),
      id_number: z
        .string()
        .min(6)
        .max(32)
        .optional()
        .meta({ description: "The caller's ID-card number (身份证号) if the ticketing system has it. Hashed at ingest; never stored." }),
    }),
    z.strictObject({
      caller_key: z
        .string()
        .regex(/^[0-9a-f]{16,128}$/, "caller_key must be lowercase hex (an HMAC computed upstream)")
        .meta({ description: "An already-hashed caller key from an upstream system that hashes phones itself (lowercase hex)." }),
    }),
    z.strictObject({
      anonymous: z.literal(true).meta({ description: "The caller gave no reachable identity (匿名)." }),
    }),
  ], { error: "caller must be exactly one of {phone[, id_number]}, {caller_key} or {anonymous: true}" })
  .meta({ description: "诉求人 caller: exactly one of a raw phone (hashed at ingest), an upstream caller_key, or anonymous." });

const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);

/** 区 / 街道 / 社区: where the problem is (not where the caller lives). */
export const location = z
  .strictObject({
    district: codeName("District (区)").meta({ description: "区 district where the problem is." }),
    street: codeName("Street / sub-district (街道/乡镇)").optional().meta({ description: "街道/乡镇 street or township, when known." }),
    community: codeName("Community (社区/村)").optional().meta({ description: "社区/村 community or village, when known." }),
    address: z.string().max(500).optional().meta({ description: "Free-text address; scrubbed of phone and ID numbers at ingest." }),
    lat: latitude.optional().meta({ description: "Latitude, WGS-84 (convert GCJ-02 / BD-09 upstream)." }),
    lon: longitude.optional().meta({ description: "Longitude, WGS-84." }),
  })
  .refine((l) => (l.lat === undefined) === (l.lon === undefined), {
    message: "lat and lon come together or not at all",
    path: ["lat"],
  })
  .meta({ description: "The location of the problem: district, street and community codes with names, address, optional coordinates." });

/** Deadlines the ticketing system set; the sensor's own SLA tiers apply where these are absent. */
export const sla = z
  .strictObject({
    accept_by: instant.optional().meta({ description: "签收时限: the department must accept by then." }),
    respond_by: instant.optional().meta({ description: "响应时限: first contact with the caller by then." }),
    close_by: instant.optional().meta({ description: "办结时限: the ticket must be closed by then." }),
  })
  .meta({ description: "SLA deadlines carried by the ticketing system; each within 10 years of occurred_at." });

/** Free text written by people; scrubbed of phone and ID numbers at ingest. */
export const freeText = (max: number, description: string) => z.string().max(max).meta({ description });
