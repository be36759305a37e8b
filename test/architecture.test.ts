// The dependency rules of docs/architecture.md, checked by dependency-cruiser on every `npm test`.
import { cruise } from "dependency-cruiser";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const config = createRequire(import.meta.url)("../.dependency-cruiser.cjs");

describe("architecture", () => {
  it("keeps every room's dependency rules and has no import cycles", async () => {
    const result = await cruise(["src", "frontend/src"], { ruleSet: { forbidden: config.forbidden }, ...config.options, validate: true }, undefined, {
      tsConfig: { fileName: "tsconfig.json" },
    });
    const output = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
    const violations = output.summary.violations.map((v: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }) =>
      `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(" → ")})` : ""}`,
    );
    expect(violations).toEqual([]);
    // The check really looked at the code: every room was cruised.
    const modules = output.modules.map((m: { source: string }) => m.source);
    for (const room of ["core", "components", "graph", "runtime", "protocol", "queue", "server", "features", "interface", "load", "mcp"]) {
      expect(modules.some((s: string) => s.startsWith(`src/${room}/`)), room).toBe(true);
    }
  });

  it("catches a forbidden import (the rules are live)", async () => {
    const result = await cruise(["src/components/image.ts"], {
      ruleSet: { forbidden: [...config.forbidden, { name: "probe", severity: "error", from: { path: "^src/components/" }, to: { path: "^src/core/errors" } }] },
      ...config.options,
      validate: true,
    });
    const output = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
    expect(output.summary.violations.map((v: { rule: { name: string } }) => v.rule.name)).toContain("probe");
  });
});
