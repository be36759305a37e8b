import { describe, expect, it } from "vitest";
import { WindowCounter } from "../core/counter.js";
import { LoginGuard } from "./attempts.js";

describe("login attempts", () => {
  it("counts per key in one-minute windows and says how long to wait past the limit", () => {
    let now = 0;
    const c = new WindowCounter(2, () => now);
    expect([c.hit("a"), c.hit("a"), c.hit("b")]).toEqual([0, 0, 0]);
    now = 15_000;
    expect(c.hit("a")).toBe(45);
    now = 60_000;
    expect(c.hit("a")).toBe(0);
  });

  it("slows a username down after its free failures, by the same amount from any address, up to 5 s, and never refuses it", () => {
    let now = 0;
    const g = new LoginGuard({ address: 30, username: 3 }, () => now);
    for (let i = 0; i < 3; i++) g.failed("admin");
    expect(g.delay("admin")).toBe(500);
    expect(g.delay("someone-else")).toBe(0);
    for (let i = 0; i < 20; i++) g.failed("admin");
    expect(g.delay("admin")).toBe(5000);
    now = 61_000;
    expect(g.delay("admin")).toBe(0);
    // The hard limits are the address's and the pair's own.
    for (let i = 0; i < 3; i++) expect(g.pair("10.0.0.1", "admin")).toBe(0);
    expect(g.pair("10.0.0.1", "admin")).toBeGreaterThan(0);
    expect(g.pair("10.0.0.2", "admin")).toBe(0);
  });
});
