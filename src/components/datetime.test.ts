import { describe, expect, it } from "vitest";
import { DateTime } from "./datetime.js";

describe("DateTime", () => {
  it("has Gradio's props, a string schema and checked options", () => {
    const d = new DateTime({ timezone: "Europe/Paris", includeTime: false });
    expect(d.props()).toMatchObject({ include_time: false, type: "timestamp", timezone: "Europe/Paris" });
    expect(d.apiInfo()).toEqual({ type: "string" });
    expect(d.exampleInput()).toBe("2020-10-01");
    expect(() => new DateTime({ timezone: "Mars/Olympus" })).toThrowCode("TR_ERR_OPTION_INVALID", /timezone/);
    expect(() => new DateTime({ type: "date" } as never)).toThrowCode("TR_ERR_OPTION_INVALID", /type/);
    expect(() => new DateTime({ value: "tomorrow" })).toThrowCode("TR_ERR_OPTION_INVALID", /value/);
  });

  it("reads wall-clock text in its time zone, DST included, and gives the type the author asked for", () => {
    const paris = (type: "timestamp" | "datetime" | "string") => new DateTime({ timezone: "Europe/Paris", type });
    // Winter: UTC+1; summer: UTC+2.
    expect(paris("timestamp").preprocess("2024-01-15 12:00:00")).toBe(Date.UTC(2024, 0, 15, 11) / 1000);
    expect((paris("datetime").preprocess("2024-07-15 12:00:00") as Date).toISOString()).toBe("2024-07-15T10:00:00.000Z");
    expect(paris("string").preprocess("2024-07-15T12:00")).toBe("2024-07-15 12:00:00");
    expect(paris("string").preprocess("2024-07-15T10:00:00Z")).toBe("2024-07-15 12:00:00");
    expect(new DateTime({ timezone: "America/New_York", type: "datetime" }).preprocess("2024-03-10 12:00:00")).toEqual(new Date("2024-03-10T16:00:00Z"));
  });

  it("understands Gradio's relative times", () => {
    const d = new DateTime({ timezone: "UTC" });
    const now = Date.now() / 1000;
    expect(Math.abs((d.preprocess("now") as number) - now)).toBeLessThan(5);
    expect(Math.abs((d.preprocess("now - 2h") as number) - (now - 7200))).toBeLessThan(5);
  });

  it("refuses text that is no date", () => {
    const d = new DateTime({ timezone: "UTC" });
    expect(() => d.preprocess("2023-02-30 10:00:00")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(() => d.preprocess("yesterday")).toThrowCode("TR_ERR_INVALID_VALUE");
    expect(d.preprocess("")).toBeNull();
    expect(d.preprocess(null)).toBeNull();
    expect(() => new DateTime({ required: true, includeTime: false }).preprocess("")).toThrowCode("TR_ERR_REQUIRED", /pick a date$/);
    expect(() => d.preprocess(12)).toThrowCode("TR_ERR_INVALID_VALUE");
  });

  it("writes Dates, seconds and text in its zone and format", () => {
    const d = new DateTime({ timezone: "Asia/Tokyo" });
    expect(d.postprocess(new Date("2024-05-01T00:00:00Z"))).toBe("2024-05-01 09:00:00");
    expect(d.postprocess(Date.UTC(2024, 4, 1) / 1000)).toBe("2024-05-01 09:00:00");
    expect(d.postprocess("2024-05-01 10:11:12")).toBe("2024-05-01 10:11:12");
    expect(new DateTime({ timezone: "UTC", includeTime: false }).postprocess(new Date("2024-05-01T23:00:00Z"))).toBe("2024-05-01");
    expect(d.postprocess(null)).toBeNull();
    expect(() => d.postprocess({} as never)).toThrowCode("TR_ERR_INVALID_VALUE");
  });
});
