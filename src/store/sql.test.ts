import { describe, expect, it } from "vitest";
import { stringArrayLiteral, stringLiteral } from "./sql.js";

describe("SQL literals", () => {
  it("escapes quotes and backslashes so a value cannot end its literal", () => {
    expect(stringLiteral("a'b")).toBe("'a\\'b'");
    expect(stringLiteral("c:\\x'; DROP TABLE events; --")).toBe("'c:\\\\x\\'; DROP TABLE events; --'");
    expect(stringArrayLiteral(["x", "y'"])).toBe("['x','y\\'']");
    expect(stringArrayLiteral([])).toBe("[]");
  });
});
