// Poison values over real HTTP on the embedded store (chdb), through the real pipeline: a string
// holding a lone surrogate (the JSON escape `\ud800`) among good events, and an invalid event whose
// event_id holds `\udbff`, are rejected with invalid_text while the good ones are stored and later
// requests are answered; the same lines over NDJSON become dead letters. /readyz says not ready
// while the store takes no writes and ready again once it does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/port.js";
import { exampleEvents } from "../support/examples.js";
import { replayLines } from "../support/pipeline.js";
import { count, openMigratedChdb } from "../support/store.js";
import { bearer, startApi, type RunningApi } from "./support.js";

const offered = exampleEvents().find((e) => e.type === "call.offered")!;
const created = exampleEvents().find((e) => e.type === "ticket.created")!;
/** A request that hangs is a failure, reported as one instead of as the test's timeout. */
const ANSWER_WITHIN_MS = 60_000;

const call = (id: string) => JSON.stringify({ ...offered, event_id: id, call_id: `c-${id}` });
/** JSON text with the escape itself: JSON.parse turns it into a lone surrogate. */
const withTextEscape = (id: string) => JSON.stringify({ ...created, event_id: id, ticket_id: `t-${id}` }).replace('"text":"', '"text":"\\ud800');
const withIdEscape = (id: string) => JSON.stringify({ ...offered, event_id: id, data: { queue: 42 } }).replace(`"event_id":"${id}"`, `"event_id":"\\udbff${id}"`);

let store: Store;
let api: RunningApi;
beforeAll(async () => {
  store = await openMigratedChdb();
  api = await startApi(store, { hashKey: "poison-test-key-0123456789" });
});
afterAll(async () => {
  await api?.close();
  await store?.close();
});

async function post(body: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}/v1/events`, { method: "POST", headers: { ...bearer("gongdan"), "content-type": "application/json" }, body, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  return { status: response.status, body: await response.json() };
}

async function readyz(): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}/readyz`);
  return { status: response.status, body: await response.json() };
}

describe("a poison value never stops the stream", () => {
  it("over HTTP: the poison is rejected as invalid_text, the good events are stored, the next request is answered", async () => {
    const first = await post(`[${call("http-good-0001")},${withTextEscape("http-bad-text-1")},${withIdEscape("http-bad-id-01")},${call("http-good-0002")}]`);
    expect(first.status).toBe(422);
    expect(first.body.results.map((r: any) => [r.status, r.reason_code])).toEqual([["accepted", undefined], ["rejected", "invalid_text"], ["rejected", "invalid_text"], ["accepted", undefined]]);
    expect(first.body.results[1].message).toMatch(/^data\.text holds a lone UTF-16 surrogate \(\\ud800 at character 0\)/);
    expect(first.body.results[2].event_id).toBe("\ufffdhttp-bad-id-01");
    const later = await post(`[${call("http-good-0003")}]`);
    expect(later).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await count(store, "SELECT count() AS n FROM events WHERE startsWith(event_id, 'http-good-')")).toBe(3);
    expect((await readyz()).status).toBe(200);
  });

  it("over NDJSON: the poison lines are dead letters with invalid_text and repaired text, the rest is stored", async () => {
    const lines = [call("file-good-0001"), withTextEscape("file-bad-text-1"), withIdEscape("file-bad-id-01"), call("file-good-0002")];
    const { progress } = await replayLines(store, "poison.ndjson", lines);
    expect(progress).toMatchObject({ inputs: 4, stored: 2, deadLetters: 2, deadLettersByReason: { invalid_text: 2 } });
    const letters = await store.query<{ line: number; reason_code: string; event_id: string; reason: string; payload: string }>(
      "SELECT line, reason_code, event_id, reason, payload FROM dead_letters WHERE file = 'poison.ndjson' ORDER BY line",
    );
    expect(letters.map((l) => [l.line, l.reason_code, l.event_id])).toEqual([[2, "invalid_text", "file-bad-text-1"], [3, "invalid_text", "\ufffdfile-bad-id-01"]]);
    expect(letters[0]?.reason).toMatch(/^data\.text holds a lone UTF-16 surrogate/);
    expect(letters[1]?.payload).toContain("\\udbfffile-bad-id-01");
  });

  it("/readyz says not ready, with the reason, while the store refuses every write, and ready again once writes go through", async () => {
    // ClickHouse refuses inserts into a table with too many parts (code 252): the store is busy, not the data wrong
    await store.command("SYSTEM STOP MERGES events");
    await store.command("ALTER TABLE events MODIFY SETTING parts_to_throw_insert = 1, parts_to_delay_insert = 1");
    const pending = post(`[${call("busy-good-0001")}]`);
    let answer = await readyz();
    for (let polls = 0; answer.status === 200 && polls < 400; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await readyz();
    }
    expect(answer).toMatchObject({ status: 503, body: { status: "not ready", checks: { store: true, writes: false } } });
    expect(answer.body.reasons.writes).toMatch(/^the store takes no writes, retrying the batch: .*TOO_MANY_PARTS.* \(failing since \d{4}-/);

    await store.command("ALTER TABLE events RESET SETTING parts_to_throw_insert, parts_to_delay_insert");
    await store.command("SYSTEM START MERGES events");
    expect(await pending).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect(await readyz()).toMatchObject({ status: 200, body: { status: "ready", checks: { store: true, writes: true } } });
  });
});
