import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SensorError } from "../errors.js";
import { loadAlertConfig, parseAlertConfig, redact } from "./config.js";

const URL_SECRET = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789";

function problems(yaml: string, env: Record<string, string> = {}): string {
  try {
    parseAlertConfig(yaml, "alerts.yaml", { env });
  } catch (error) {
    expect(error).toBeInstanceOf(SensorError);
    expect((error as SensorError).code).toBe("CONFIG_INVALID");
    return (error as Error).message;
  }
  throw new Error("expected the file to be rejected");
}

describe("the routing file", () => {
  it("resolves secrets inline, from the environment and from files, with documented defaults", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "alerts-config-"));
    writeFileSync(path.join(dir, "secret"), "SECfromfile\n");
    const file = path.join(dir, "alerts.yaml");
    writeFileSync(
      file,
      `receivers:
  duty:
    platform: dingtalk
    url: { env: DUTY_URL }
    secret: { file: ${path.join(dir, "secret")} }
  ops:
    platform: slack
    url: https://hooks.slack.com/services/T/B/inline
routes:
  - name: all
    receivers: [duty, ops]
    categories: ["03"]
`,
    );
    const config = loadAlertConfig(file, { env: { DUTY_URL: URL_SECRET }, grafanaUrl: "http://grafana:3000/" });
    expect(config.receivers).toEqual([
      { name: "duty", platform: "dingtalk", url: URL_SECRET, secret: "SECfromfile", ratePerMinute: 20 },
      { name: "ops", platform: "slack", url: "https://hooks.slack.com/services/T/B/inline", secret: undefined, ratePerMinute: 60 },
    ]);
    expect(config.grafanaUrl).toBe("http://grafana:3000");
    expect(config.minSeverity).toBe("medium");
    expect(config.delivery).toEqual({ queueMax: 1000, timeoutMs: 10_000, retries: 5, backoffBaseMs: 1000, backoffMaxMs: 60_000, maxAgeMs: 86_400_000, ticketIds: 5 });
    expect(config.routes[0]?.continue).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("says what to fix, by path, and never shows a secret", () => {
    const message = problems(
      `receivers:
  duty:
    platform: dingtlk
    url: ${URL_SECRET}
  ops:
    platform: webhook
    url: "not a url ${"abcdef0123456789"}"
  env:
    platform: slack
    url: { env: MISSING_URL }
routes:
  - name: all
    receivers: [duty, nobody]
    minSeverity: urgent
    kinds: [spikes]
`,
    );
    expect(message).toContain("receivers.duty.platform: must be one of wecom, dingtalk, feishu, slack, webhook");
    expect(message).toContain("routes.0.minSeverity: must be one of info, low, medium, high, critical");
    expect(message).toContain('routes.0.kinds.0: unknown alert kind "spikes"');
    expect(message).not.toContain("abcdef0123456789");
  });

  it("checks references between receivers and routes, and secrets that cannot be found", () => {
    const message = problems(
      `receivers:
  ops:
    platform: webhook
    url: "ftp://abcdef0123456789"
  env:
    platform: slack
    url: { env: MISSING_URL }
routes:
  - name: all
    receivers: [ops, nobody]
  - name: all
    receivers: [env]
`,
    );
    expect(message).toContain("receivers.ops.url: must be an http(s) URL (value not shown: it is a secret)");
    expect(message).toContain("receivers.ops.secret: the generic webhook needs a signing secret");
    expect(message).toContain("receivers.env.url: environment variable MISSING_URL is not set");
    expect(message).toContain("routes.0.receivers: no receiver named nobody (known: ops, env)");
    expect(message).toContain("routes.1.name: all is used twice");
    expect(message).not.toContain("abcdef0123456789");
  });

  it("reads digests, silences and acknowledgements, and names what is wrong with a silence", () => {
    const base = "receivers:\n  s:\n    platform: slack\n    url: https://hooks.slack.com/services/T/B/x\nroutes:\n  - name: r\n    receivers: [s]\n";
    const quiet = parseAlertConfig(
      `${base}digest:\n  after: 8\nacknowledgements:\n  quietMs: 0\nsilences:\n  - kind: repeat\n    maxSeverity: high\n    reason: call 13812345678 first\n    until: 2026-12-01T08:00:00+08:00\n`,
      "alerts.yaml",
    );
    expect(quiet.digest).toEqual({ after: 8, windowMs: 60_000, maxAlerts: 50 });
    expect(quiet.ackQuietMs).toBe(0);
    expect(quiet.silences).toEqual([
      expect.objectContaining({ silenceId: "file:0", kind: "repeat", maxSeverity: "high", districtCode: "", createdBy: "routing file", untilMs: Date.parse("2026-12-01T00:00:00Z") }),
    ]);
    expect(quiet.silences[0]?.reason).not.toContain("13812345678");
    const defaults = parseAlertConfig(base, "alerts.yaml");
    expect([defaults.digest, defaults.silences, defaults.ackQuietMs]).toEqual([undefined, [], 21_600_000]);
    expect(problems(`${base}silences:\n  - reason: everything\n    until: 2026-12-01T08:00:00+08:00\n`)).toContain("silences.0: must set at least one of kind");
    expect(problems(`${base}silences:\n  - kind: spike\n    reason: x\n    until: 2026-12-01 08:00\n`)).toContain("silences.0.until: must be an ISO 8601 time with its UTC offset");
    expect(problems(`${base}silences:\n  - kind: nonsense\n    until: 2026-12-01T08:00:00+08:00\n`)).toMatch(/silences\.0\.kind: unknown alert kind[\s\S]*silences\.0\.reason/);
  });

  it("rejects unknown keys and a file that is not YAML", () => {
    expect(problems("receivers: {}\nroutes: []\nrouts: []\n")).toMatch(/routs|Unrecognized key/);
    expect(problems("receivers: [\n")).toContain("not valid YAML");
  });

  it("deploy/alerts.example.yaml is valid: only its secret files are missing on this machine", () => {
    const example = new URL("../../deploy/alerts.example.yaml", import.meta.url);
    const env = { DINGTALK_DUTY_URL: URL_SECRET, WECOM_SUPERVISION_URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", FEISHU_DISTRICT_0102_URL: "https://open.feishu.cn/open-apis/bot/v2/hook/h", FEISHU_DISTRICT_0102_SECRET: "s", HOTLINE_WEBHOOK_SECRET: "w" };
    let message = "";
    try {
      loadAlertConfig(example.pathname, { env });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split("\n").slice(1);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => /cannot read \/run\/secrets\/\w+ \(ENOENT\)/.test(l))).toBe(true);
  });

  it("redacts secrets and the query values and paths of secret URLs", () => {
    const text = `POST ${URL_SECRET} failed; token abcdef0123456789; https://hooks.slack.com/services/T/B/xyz`;
    const out = redact(text, [URL_SECRET, "https://hooks.slack.com/services/T/B/xyz"]);
    expect(out).not.toContain("abcdef0123456789");
    expect(out).not.toContain("/services/T/B/xyz");
  });
});
