// The payloads (`data`) of the call centre's operational events: a call is offered to a queue,
// then answered or abandoned, and ends. The service level (接通率, 15-second answer) comes from them.
import { z } from "zod";
import { caller } from "./fields.js";

const queue = z.string().min(1).max(64).meta({ description: "The IVR queue / skill the call waited in, e.g. `general`, `enterprise`, `english`." });
const agentGroup = z.string().min(1).max(64).meta({ description: "The agent group (班组) that took the call." });
const waitSeconds = z.number().min(0).max(86_400).meta({ description: "Seconds the caller waited in the queue before answer or hang-up." });

export const callOffered = z.strictObject({
  queue,
  caller: caller.optional(),
});

export const callAnswered = z.strictObject({ queue, agent_group: agentGroup, wait_seconds: waitSeconds });

export const callAbandoned = z.strictObject({ queue, wait_seconds: waitSeconds });

export const callEnded = z.strictObject({
  queue,
  agent_group: agentGroup.optional(),
  wait_seconds: waitSeconds,
  talk_seconds: z.number().min(0).max(86_400).meta({ description: "Seconds of conversation; 0 for an abandoned call." }),
  ticket_id: z.string().min(1).max(64).optional().meta({ description: "The ticket the call produced, if any." }),
});
