// A colour, a date and some code in; a stylesheet, a complementary colour and a reminder date out.
import * as tr from "tradio";

/** The colour opposite on the wheel (RGB complement). */
function complement(hex: string): string {
  const n = parseInt(hex.slice(1, 7), 16);
  return `#${(0xffffff ^ n).toString(16).padStart(6, "0")}`;
}

/**
 * Turns a brand colour and settings into CSS, and works out a reminder a week before the launch.
 * @param brand - the main colour
 * @param launch - when the site goes live
 * @param settings - JSON with `radius` (px) and `font`
 */
function theme(brand: string, launch: Date, settings: string) {
  let parsed: { radius?: number; font?: string };
  try {
    parsed = JSON.parse(settings || "{}");
  } catch (err) {
    throw new tr.Error(`The settings are not JSON: ${(err as Error).message}`);
  }
  const accent = complement(brand);
  const css = `:root {
  --brand: ${brand};
  --accent: ${accent};
  --radius: ${parsed.radius ?? 8}px;
  --font: ${JSON.stringify(parsed.font ?? "system-ui")}, sans-serif;
}

/* Launch: ${launch.toISOString()} */
.button {
  background: var(--brand);
  border-radius: var(--radius);
  font-family: var(--font);
}
`;
  const reminder = new Date(launch.getTime() - 7 * 24 * 3600 * 1000);
  return [css, accent, reminder];
}

export default new tr.Interface({
  fn: theme,
  inputs: [
    new tr.ColorPicker({ label: "Brand colour", value: "#f97316", required: true }),
    new tr.DateTime({ label: "Launch", type: "datetime", timezone: "Europe/Paris", value: "2026-03-02 09:30:00", required: true }),
    new tr.Code({ label: "Settings", language: "json", lines: 4, value: '{\n  "radius": 12,\n  "font": "Inter"\n}' }),
  ],
  outputs: [
    new tr.Code({ label: "Stylesheet", language: "css" }),
    new tr.ColorPicker({ label: "Complementary colour" }),
    new tr.DateTime({ label: "Reminder (a week before)", timezone: "Europe/Paris" }),
  ],
  title: "Code, colours and dates",
  description: "Pick a colour and a date, edit the JSON, Submit: the stylesheet comes back highlighted.",
  allowFlagging: "never",
});
