// One adapter per chat platform, by name.
import type { PlatformName } from "../config.js";
import { dingtalk } from "./dingtalk.js";
import { feishu } from "./feishu.js";
import type { Platform } from "./platform.js";
import { slack } from "./slack.js";
import { webhook } from "./webhook.js";
import { wecom } from "./wecom.js";

export const PLATFORM_ADAPTERS: Readonly<Record<PlatformName, Platform>> = { wecom, dingtalk, feishu, slack, webhook };
export type { OutgoingRequest, Platform, Verdict } from "./platform.js";
