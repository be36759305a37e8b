import { describe, expect, it } from "vitest";
import { jsonNestedDeeperThan, nestedDeeperThan } from "./limits.js";

/** The depth JSON.parse's result really has, walked without the function under test. */
const depthOf = (v: unknown): number => (v !== null && typeof v === "object" ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);

describe("jsonNestedDeeperThan", () => {
  it("counts brackets and braces, not what strings hold, escaped quotes and backslashes included", () => {
    const cases = [
      "1",
      '"[[["',
      "[]",
      "[[1]]",
      '{"a":[{"b":[]}]}',
      '["\\"[[[", [[2]]]',
      '["\\\\", [[3]]]',
      '["\\\\\\"]]]", [4]]',
      '{"k\\"[":{"v":"{\\\\"}}',
      '[{"a":"]]]]"},[[[["x"]]]]]',
    ];
    for (const text of cases) {
      const depth = depthOf(JSON.parse(text));
      expect(jsonNestedDeeperThan(text, depth), text).toBe(false);
      if (depth > 0) expect(jsonNestedDeeperThan(text, depth - 1), text).toBe(true);
      expect(nestedDeeperThan(JSON.parse(text), depth)).toBe(false);
    }
  });

  it("finds deep nesting after long strings, and none inside them", () => {
    const long = "x".repeat(100_000);
    expect(jsonNestedDeeperThan(`{"a":"${long}","b":${"[".repeat(300)}${"]".repeat(300)}}`, 200)).toBe(true);
    expect(jsonNestedDeeperThan(`{"a":"${"[".repeat(5000)}"}`, 200)).toBe(false);
    // Unterminated text is left to the parser.
    expect(jsonNestedDeeperThan('["abc', 1)).toBe(false);
  });
});
