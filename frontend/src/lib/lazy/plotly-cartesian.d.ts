// plotly.js's cartesian build has the API of the full one (fewer trace types); it ships no types of its own.
declare module "plotly.js-cartesian-dist-min" {
  import * as Plotly from "plotly.js";
  export = Plotly;
}
