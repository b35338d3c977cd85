// Local HTTP servers (node:http on 127.0.0.1, random ports) that behave like each chat platform:
// they check DingTalk's and Feishu's signatures as the platforms do, refuse WeCom markdown over
// 4096 bytes, throttle DingTalk past 20 messages a minute (errcode 130101), and can hang or fail.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type PlatformKind = "wecom" | "dingtalk" | "feishu" | "slack" | "webhook";
export type Behaviour = "normal" | "hang" | "error500";

export interface Received {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  /** What the platform answered: accepted, or the error it gave. */
  readonly accepted: boolean;
  readonly answer: string;
  /** The message text a person would read (markdown content / text / mrkdwn / webhook text). */
  readonly text: string;
}

export interface FakeReceiver {
  readonly kind: PlatformKind;
  readonly url: string;
  readonly secret: string;
  readonly received: Received[];
  behaviour: Behaviour;
  close(): Promise<void>;
  /** Accepted messages. */
  accepted(): Received[];
}

const TOKEN = "tok_5f2a9c0e7b31d4";

function send(res: ServerResponse, status: number, body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
  res.end(text);
  return text;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parse(body: string): Record<string, unknown> {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function get(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const p of path) v = typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

/** The platform's judgement of one request: [accepted, status, answer, text]. */
type Judge = (req: IncomingMessage, url: URL, body: string, nowMs: number) => [boolean, number, unknown, string];

function judges(secret: string, dingtalkSent: number[]): Record<PlatformKind, Judge> {
  return {
    wecom(_req, url, body) {
      const json = parse(body);
      const content = get(json, "markdown", "content");
      if (url.searchParams.get("key") !== TOKEN) return [false, 200, { errcode: 93000, errmsg: "invalid webhook url" }, ""];
      if (json.msgtype !== "markdown" || typeof content !== "string") return [false, 200, { errcode: 40008, errmsg: "invalid message type" }, ""];
      if (Buffer.byteLength(content, "utf8") > 4096) return [false, 200, { errcode: 40058, errmsg: "markdown.content exceed max length 4096" }, content];
      return [true, 200, { errcode: 0, errmsg: "ok" }, content];
    },
    dingtalk(_req, url, body, nowMs) {
      const json = parse(body);
      const text = get(json, "markdown", "text");
      if (url.searchParams.get("access_token") !== TOKEN) return [false, 200, { errcode: 300001, errmsg: "token is not exist" }, ""];
      const timestamp = Number(url.searchParams.get("timestamp"));
      const sign = url.searchParams.get("sign") ?? "";
      if (!Number.isFinite(timestamp) || Math.abs(nowMs - timestamp) > 3_600_000) return [false, 200, { errcode: 310000, errmsg: "sign not match, timestamp is invalid" }, ""];
      const expected = createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64");
      // URLSearchParams has already URL-decoded `sign`; the platform compares the Base64 text.
      if (!safeEqual(sign, expected)) return [false, 200, { errcode: 310000, errmsg: "sign not match" }, ""];
      while (dingtalkSent.length > 0 && (dingtalkSent[0] ?? 0) <= nowMs - 60_000) dingtalkSent.shift();
      if (dingtalkSent.length >= 20) return [false, 200, { errcode: 130101, errmsg: "send too fast, exceed 20 times per minute" }, ""];
      dingtalkSent.push(nowMs);
      if (json.msgtype !== "markdown" || typeof text !== "string" || typeof get(json, "markdown", "title") !== "string") return [false, 200, { errcode: 40035, errmsg: "missing markdown" }, ""];
      if (Buffer.byteLength(body, "utf8") > 20_000) return [false, 200, { errcode: 460101, errmsg: "message too long" }, ""];
      return [true, 200, { errcode: 0, errmsg: "ok" }, text];
    },
    feishu(_req, url, body, nowMs) {
      const json = parse(body);
      if (!url.pathname.endsWith(`/hook/${TOKEN}`)) return [false, 404, { code: 19001, msg: "param invalid: incoming webhook access token invalid" }, ""];
      const timestamp = Number(json.timestamp);
      const expected = createHmac("sha256", `${json.timestamp as string}\n${secret}`).update("").digest("base64");
      if (!Number.isFinite(timestamp) || Math.abs(nowMs / 1000 - timestamp) > 3600 || typeof json.sign !== "string" || !safeEqual(json.sign, expected)) {
        return [false, 200, { code: 19021, msg: "sign match fail or timestamp is not within one hour from current time" }, ""];
      }
      const text = get(json, "card", "elements", 0, "content");
      if (json.msg_type !== "interactive" || typeof text !== "string") return [false, 200, { code: 19002, msg: "params error" }, ""];
      return [true, 200, { code: 0, msg: "success", data: {} }, text];
    },
    slack(_req, url, body) {
      const json = parse(body);
      const text = get(json, "blocks", 0, "text", "text");
      if (url.pathname !== `/services/T000/B000/${TOKEN}`) return [false, 404, "no_service", ""];
      if (typeof json.text !== "string" || typeof text !== "string" || text.length > 3000) return [false, 400, "invalid_blocks", ""];
      return [true, 200, "ok", text];
    },
    webhook(req, _url, body, nowMs) {
      const timestamp = String(req.headers["x-hotline-timestamp"] ?? "");
      const signature = String(req.headers["x-hotline-signature"] ?? "");
      const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
      if (Math.abs(nowMs - Number(timestamp)) > 300_000 || !safeEqual(signature, expected)) return [false, 401, { error: "bad signature" }, ""];
      const text = get(parse(body), "text");
      return [true, 204, "", typeof text === "string" ? text : ""];
    },
  };
}

const PATHS: Record<PlatformKind, string> = {
  wecom: `/cgi-bin/webhook/send?key=${TOKEN}`,
  dingtalk: `/robot/send?access_token=${TOKEN}`,
  feishu: `/open-apis/bot/v2/hook/${TOKEN}`,
  slack: `/services/T000/B000/${TOKEN}`,
  webhook: "/hooks/hotline",
};

/** Starts a fake `kind` robot; `now` is the platform's clock (the test's manual clock). */
export async function startReceiver(kind: PlatformKind, now: () => number, behaviour: Behaviour = "normal"): Promise<FakeReceiver> {
  const secret = `SEC${kind}0a1b2c3d4e5f60718293a4b5c6d7e8f9`;
  const received: Received[] = [];
  const judge = judges(secret, [])[kind];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const base = { path: url.pathname, query: url.searchParams, headers: req.headers, body };
      if (fake.behaviour === "hang") {
        hanging.add(res);
        received.push({ ...base, accepted: false, answer: "(hung)", text: "" });
        return;
      }
      if (fake.behaviour === "error500") {
        received.push({ ...base, accepted: false, answer: send(res, 500, "internal error"), text: "" });
        return;
      }
      const [accepted, status, answer, text] = judge(req, url, body, now());
      received.push({ ...base, accepted, answer: send(res, status, answer), text });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeReceiver = {
    kind,
    url: `http://127.0.0.1:${port}${PATHS[kind]}`,
    secret,
    received,
    behaviour,
    accepted: () => received.filter((r) => r.accepted),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
