import { describe, expect, it } from "vitest";
import { runTiming, seconds } from "../frontend/src/lib/format.js";

describe("the page's run timer", () => {
  it("shows a run against its usual duration", () => {
    expect(runTiming(800, 3)).toBe("0.8/3.0s");
    expect(runTiming(3000, 3)).toBe("3.0/3.0s");
  });
  it("marks a run past its estimate as longer than usual, never as the estimate", () => {
    expect(runTiming(3100, 3)).toBe("3.1s (longer than usual)");
    expect(runTiming(1500, 0.01)).toBe("1.5s (longer than usual)");
  });
  it("shows the elapsed time alone when there is no estimate, or one under 0.1 s (no 0.0/0.0s)", () => {
    expect(runTiming(20, 0.04)).toBe("0.0s");
    expect(runTiming(40, 0.099)).toBe("0.0s");
    expect(runTiming(50, 0.1)).toBe("0.1/0.1s");
    expect(runTiming(700, null)).toBe("0.7s");
    expect(runTiming(700, undefined)).toBe("0.7s");
    expect(runTiming(700, 0)).toBe("0.7s");
    expect(runTiming(-5, 2)).toBe("0.0/2.0s");
    expect(seconds(-100)).toBe("0.0s");
  });
});
