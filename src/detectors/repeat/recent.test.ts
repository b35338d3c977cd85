// The repeat detector's index lists: kept in creation order, read from the newest end with a cap.
import { describe, expect, it } from "vitest";
import { insertByTime, keepOldest, newestSince } from "./recent.js";

const t = (id: string, createdMs: number) => ({ id, createdMs });
const ids = (list: readonly { id: string }[]) => list.map((x) => x.id);

describe("index lists", () => {
  it("keep tickets in creation order, a late one in its place and after those of the same time", () => {
    const index = new Map<string, { id: string; createdMs: number }[]>();
    for (const x of [t("a", 1), t("b", 3), t("c", 5), t("late", 3), t("d", 6)]) insertByTime(index, "k", x);
    expect(ids(index.get("k")!)).toEqual(["a", "b", "late", "c", "d"]);
  });

  it("give the newest tickets of the window, at most the cap, and say when older ones were left out", () => {
    const list = [t("a", 1), t("b", 2), t("c", 3), t("d", 4), t("e", 5)];
    expect(newestSince(list, 2, 10)).toEqual({ tickets: list.slice(1), more: false });
    expect(newestSince(list, 2, 2)).toEqual({ tickets: list.slice(3), more: true });
    expect(newestSince(list, 5, 2)).toEqual({ tickets: list.slice(4), more: false });
    expect(newestSince(list, 6, 2)).toEqual({ tickets: [], more: false });
  });

  it("keep a group's oldest tickets by (created, id), at most the cap, whatever order they join in", () => {
    const oldest: { id: string; createdMs: number }[] = [];
    for (const x of [t("c", 3), t("e", 5), t("a", 1), t("d", 4), t("b2", 2), t("b1", 2), t("f", 6)]) keepOldest(oldest, x, 4);
    expect(ids(oldest)).toEqual(["a", "b1", "b2", "c"]);
  });
});
