// The Model3D viewer: three.js with its glTF, OBJ and STL loaders and orbit controls. Imported dynamically
// by the Model3D view, so three.js is a chunk of its own, loaded only by pages that show a model.
import {
  Box3,
  BufferGeometry,
  Color,
  DirectionalLight,
  HemisphereLight,
  Material,
  Mesh,
  MeshStandardMaterial,
  Object3D,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  Scene,
  SRGBColorSpace,
  Vector3,
  WebGLRenderer,
} from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import { GLTFLoader } from "three/addons/loaders/GLTFLoader.js";
import { OBJLoader } from "three/addons/loaders/OBJLoader.js";
import { STLLoader } from "three/addons/loaders/STLLoader.js";

export interface ViewerOptions {
  url: string;
  /** ".glb", ".gltf", ".obj" or ".stl". */
  ext: string;
  /** RGBA in [0, 1]. */
  clearColor: [number, number, number, number];
  displayMode: "solid" | "wireframe" | "point_cloud";
  /** Gradio's [alpha, beta, radius]: degrees around the vertical axis, degrees from it, distance. */
  cameraPosition: [number | null, number | null, number | null];
  zoomSpeed: number;
  panSpeed: number;
  /** Colour of models without their own (OBJ, STL) and of point clouds. */
  modelColor: string;
  /** What the drawing shows, for screen readers. */
  label: string;
}

export interface Viewer {
  resetView(): void;
  destroy(): void;
}

/** Whether this browser can draw WebGL at all. */
export function hasWebGL(): boolean {
  try {
    const canvas = document.createElement("canvas");
    return !!(canvas.getContext("webgl2") ?? canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

/** Whether a geometry has normals that are not all zero. */
function hasNormals(geometry: BufferGeometry): boolean {
  const normals = geometry.getAttribute("normal");
  if (!normals) return false;
  for (let i = 0; i < normals.array.length; i++) if (normals.array[i] !== 0) return true;
  return false;
}

async function load(url: string, ext: string, color: string): Promise<Object3D> {
  if (ext === ".glb" || ext === ".gltf") return (await new GLTFLoader().loadAsync(url)).scene;
  if (ext === ".obj") {
    const group = await new OBJLoader().loadAsync(url);
    // OBJ files without a material library get three's flat default; give them a lit, neutral one.
    group.traverse((o) => {
      if (o instanceof Mesh) {
        const old = o.material as Material & { color?: Color };
        const hasOwn = old && old.name !== "" && old.color;
        if (!hasOwn) o.material = new MeshStandardMaterial({ color, roughness: 0.6, metalness: 0.1 });
        if (!hasNormals(o.geometry as BufferGeometry)) o.geometry.computeVertexNormals();
      }
    });
    return group;
  }
  if (ext === ".stl") {
    const geometry = await new STLLoader().loadAsync(url);
    // Many STL writers leave the facet normals at 0 0 0: recompute them, or the model draws black.
    if (!hasNormals(geometry)) geometry.computeVertexNormals();
    const hasColors = !!geometry.getAttribute("color");
    return new Mesh(geometry, new MeshStandardMaterial({ color: hasColors ? 0xffffff : color, vertexColors: hasColors, roughness: 0.6, metalness: 0.1 }));
  }
  throw new Error(`the viewer does not read ${ext} files`);
}

/** Wireframe: every material drawn as edges. Point cloud: every mesh replaced by its vertices as dots. */
function applyMode(root: Object3D, mode: ViewerOptions["displayMode"], color: string, size: number): void {
  if (mode === "solid") return;
  const meshes: Mesh[] = [];
  root.traverse((o) => {
    if (o instanceof Mesh) meshes.push(o);
  });
  for (const mesh of meshes) {
    if (mode === "wireframe") {
      const mats = Array.isArray(mesh.material) ? mesh.material : [mesh.material];
      const wired = mats.map((m) => Object.assign(m.clone(), { wireframe: true }));
      mesh.material = Array.isArray(mesh.material) ? wired : wired[0];
    } else {
      const points = new Points(mesh.geometry, new PointsMaterial({ color, size: size / 150, sizeAttenuation: true }));
      points.position.copy(mesh.position);
      points.quaternion.copy(mesh.quaternion);
      points.scale.copy(mesh.scale);
      mesh.parent?.add(points);
      mesh.parent?.remove(mesh);
    }
  }
}

export async function mountViewer(container: HTMLElement, opts: ViewerOptions): Promise<Viewer> {
  const renderer = new WebGLRenderer({ antialias: true, alpha: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  const [r, g, b, a] = opts.clearColor;
  // Gradio's clear_color is the colour as shown (sRGB); three.js would take bare numbers as linear.
  renderer.setClearColor(new Color().setRGB(r, g, b, SRGBColorSpace), a);
  const canvas = renderer.domElement;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", opts.label);
  container.append(canvas);

  const scene = new Scene();
  const camera = new PerspectiveCamera(45, 1, 0.01, 1000);
  scene.add(new HemisphereLight(0xffffff, 0x444444, 2));
  const light = new DirectionalLight(0xffffff, 2);
  light.position.set(1, 1, 1);
  camera.add(light); // a head-light: the side people look at is lit
  scene.add(camera);

  let model: Object3D;
  try {
    model = await load(opts.url, opts.ext, opts.modelColor);
  } catch (err) {
    renderer.dispose();
    canvas.remove();
    throw err;
  }
  // Centre the model on the origin and frame it.
  const box = new Box3().setFromObject(model);
  const size = box.getSize(new Vector3()).length() || 1;
  const centre = box.getCenter(new Vector3());
  model.position.sub(centre);
  applyMode(model, opts.displayMode, opts.modelColor, size);
  scene.add(model);

  // The bounding box's diagonal over-estimates most shapes: 0.8 of the distance that fits its sphere frames them well.
  // Narrow (portrait) blocks see less sideways than up and down: fit the smaller of the two angles.
  const aspect = (container.clientWidth || 300) / (container.clientHeight || 300);
  const halfV = (camera.fov * Math.PI) / 360;
  const halfH = Math.atan(Math.tan(halfV) * aspect);
  const fitted = (size / 2 / Math.sin(Math.min(halfV, halfH))) * 0.8;
  const [alpha, beta, radius] = opts.cameraPosition;
  const al = ((alpha ?? 45) * Math.PI) / 180;
  const be = ((beta ?? 70) * Math.PI) / 180;
  const dist = radius ?? fitted;
  camera.position.set(dist * Math.cos(al) * Math.sin(be), dist * Math.cos(be), dist * Math.sin(al) * Math.sin(be));
  camera.near = Math.max(dist / 1000, 0.001);
  camera.far = dist * 100 + size * 10;
  camera.lookAt(0, 0, 0);

  const controls = new OrbitControls(camera, canvas);
  // OrbitControls sets `none`, which keeps a phone's vertical swipe from scrolling the page.
  canvas.style.touchAction = "pan-y";
  controls.zoomSpeed = opts.zoomSpeed;
  controls.panSpeed = opts.panSpeed;
  controls.target.set(0, 0, 0);
  controls.update();
  controls.saveState();

  const render = () => renderer.render(scene, camera);
  controls.addEventListener("change", render);
  const resize = () => {
    const w = container.clientWidth || 300;
    const h = container.clientHeight || 300;
    renderer.setSize(w, h, false);
    canvas.style.width = "100%";
    canvas.style.height = "100%";
    camera.aspect = w / h;
    camera.updateProjectionMatrix();
    render();
  };
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  resize();

  return {
    resetView() {
      controls.reset();
      render();
    },
    destroy() {
      observer.disconnect();
      controls.dispose();
      scene.traverse((o) => {
        if (o instanceof Mesh || o instanceof Points) {
          o.geometry.dispose();
          for (const m of Array.isArray(o.material) ? o.material : [o.material]) m.dispose();
        }
      });
      renderer.dispose();
      canvas.remove();
    },
  };
}
