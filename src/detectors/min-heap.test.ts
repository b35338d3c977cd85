import { describe, expect, it } from "vitest";
import { MinHeap } from "./min-heap.js";
import { mulberry32 } from "./stats/random.js";

describe("MinHeap", () => {
  it("pops every entry in key order, whatever the order they were pushed in", () => {
    const random = mulberry32(7);
    const heap = new MinHeap<number>();
    const keys = Array.from({ length: 500 }, () => Math.floor(random() * 100));
    keys.forEach((key, i) => heap.push(key, i));
    expect(heap.size).toBe(500);
    expect(heap.peekKey()).toBe(Math.min(...keys));
    const popped: number[] = [];
    for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) popped.push(entry.key);
    expect(popped).toEqual([...keys].sort((a, b) => a - b));
    expect(heap.peekKey()).toBe(Infinity);
  });
});
