// 3D models made on the server and viewed on the page with three.js (loaded only when a model is shown):
// the same shape as an OBJ file (solid), an STL file (wireframe) and binary glTF (point cloud).
import * as tr from "tradio";

type Vec = [number, number, number];

/** A parametric surface as a grid of vertices and triangles. */
function mesh(shape: string, detail: number): { vertices: Vec[]; faces: [number, number, number][] } {
  const n = Math.max(4, Math.min(96, Math.round(detail)));
  const at = (u: number, v: number): Vec => {
    const a = u * 2 * Math.PI;
    const b = v * 2 * Math.PI;
    if (shape === "sphere") {
      const phi = v * Math.PI;
      return [Math.cos(a) * Math.sin(phi), Math.cos(phi), Math.sin(a) * Math.sin(phi)];
    }
    if (shape === "twisted torus") {
      const r = 0.35 + 0.1 * Math.sin(3 * a);
      return [(1 + r * Math.cos(b + a)) * Math.cos(a), r * Math.sin(b + a), (1 + r * Math.cos(b + a)) * Math.sin(a)];
    }
    return [(1 + 0.4 * Math.cos(b)) * Math.cos(a), 0.4 * Math.sin(b), (1 + 0.4 * Math.cos(b)) * Math.sin(a)];
  };
  const vertices: Vec[] = [];
  for (let i = 0; i <= n; i++) for (let j = 0; j <= n; j++) vertices.push(at(i / n, j / n));
  const faces: [number, number, number][] = [];
  const id = (i: number, j: number) => i * (n + 1) + j;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      faces.push([id(i, j), id(i + 1, j), id(i + 1, j + 1)], [id(i, j), id(i + 1, j + 1), id(i, j + 1)]);
    }
  return { vertices, faces };
}

const obj = ({ vertices, faces }: ReturnType<typeof mesh>) =>
  vertices.map((v) => `v ${v.map((x) => x.toFixed(5)).join(" ")}`).join("\n") + "\n" + faces.map((f) => `f ${f.map((i) => i + 1).join(" ")}`).join("\n") + "\n";

function stl({ vertices, faces }: ReturnType<typeof mesh>): string {
  const out = ["solid shape"];
  for (const f of faces) {
    const [a, b, c] = f.map((i) => vertices[i]);
    const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    const len = Math.hypot(...n) || 1;
    out.push(` facet normal ${n.map((x) => (x / len).toFixed(5)).join(" ")}`, "  outer loop", ...f.map((i) => `   vertex ${vertices[i].map((x) => x.toFixed(5)).join(" ")}`), "  endloop", " endfacet");
  }
  return out.join("\n") + "\nendsolid shape\n";
}

/** Binary glTF holding the vertices only, drawn as points. */
function glb({ vertices }: ReturnType<typeof mesh>): Uint8Array {
  const positions = new Float32Array(vertices.flat());
  const min = [0, 1, 2].map((k) => Math.min(...vertices.map((v) => v[k])));
  const max = [0, 1, 2].map((k) => Math.max(...vertices.map((v) => v[k])));
  const json = {
    asset: { version: "2.0", generator: "tradio demo" },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, mode: 0 }] }],
    buffers: [{ byteLength: positions.byteLength }],
    bufferViews: [{ buffer: 0, byteLength: positions.byteLength }],
    accessors: [{ bufferView: 0, componentType: 5126, count: vertices.length, type: "VEC3", min, max }],
  };
  const text = Buffer.from(JSON.stringify(json).padEnd(Math.ceil(JSON.stringify(json).length / 4) * 4, " "));
  const bin = Buffer.from(positions.buffer);
  const out = Buffer.alloc(12 + 8 + text.length + 8 + bin.length);
  out.write("glTF", 0, "latin1");
  out.writeUInt32LE(2, 4);
  out.writeUInt32LE(out.length, 8);
  out.writeUInt32LE(text.length, 12);
  out.write("JSON", 16, "latin1");
  text.copy(out, 20);
  out.writeUInt32LE(bin.length, 20 + text.length);
  out.write("BIN\0", 24 + text.length, "latin1");
  bin.copy(out, 28 + text.length);
  return out;
}

/**
 * Builds a shape and returns it in three formats.
 * @param shape - which surface to build
 * @param detail - how many segments around each way
 */
function build(shape: string, detail: number) {
  const m = mesh(shape, detail);
  const name = shape.replace(/\W+/g, "-");
  return [{ name: `${name}.obj`, data: Buffer.from(obj(m)) }, { name: `${name}.stl`, data: Buffer.from(stl(m)) }, glb(m)];
}

export default new tr.Interface({
  fn: build,
  inputs: [
    new tr.Radio({ choices: ["torus", "twisted torus", "sphere"], value: "twisted torus", label: "Shape", required: true }),
    new tr.Slider({ minimum: 8, maximum: 64, step: 4, value: 32, label: "Detail" }),
  ],
  outputs: [
    new tr.Model3D({ label: "OBJ, solid", clearColor: [0, 0, 0, 0] }),
    new tr.Model3D({ label: "STL, wireframe", displayMode: "wireframe", cameraPosition: [90, 40, null] }),
    new tr.Model3D({ label: "glTF, point cloud", displayMode: "point_cloud", clearColor: [0.07, 0.09, 0.15, 1] }),
  ],
  title: "3D models",
  description: "Drag to rotate, scroll to zoom, right-drag to pan. Each viewer loads three.js only when it shows a model.",
  allowFlagging: "never",
  examples: [
    ["twisted torus", 32],
    ["sphere", 16],
  ],
});
