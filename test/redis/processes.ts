// Starts tradio CLI processes for multi-process tests: each runs `src/cli.ts <app> --port 0 ...` from source
// in one Node process (child.pid is the process that serves or runs calls), and is stopped by `stopAll()`.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..", "..");

export interface AppProcess {
  child: ChildProcess;
  pid: number;
  /** The web process's URL (no trailing slash); "" for a worker. */
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/** Starts `src/cli.ts <app> --port 0 ...args` (stopped by stopAll()), collecting its stdout and stderr. */
function spawnCli(app: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src", "cli.ts"), path.join(root, app), "--port", "0", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** Runs the CLI; resolves once it serves (web/both) or takes calls (worker), rejects if it exits first. */
export function runApp(app: string, args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<AppProcess> {
  const { child, output } = spawnCli(app, args, env);
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not start within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const check = () => {
      const web = /Running on local URL:\s+(\S+)/.exec(output());
      if (web || /Worker taking calls/.test(output())) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve({ child, pid: child.pid!, url: web ? web[1].replace(/\/$/, "") : "", output, exited });
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited (${code}) before it started:\n${output()}`));
    });
  });
}

/** Runs the CLI to its end (for processes that must refuse to start); resolves with its exit code and output. */
export async function runToExit(app: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnCli(app, args, env);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  clearTimeout(timer);
  return { code, output: output() };
}

/** Stops every process these helpers started (SIGTERM, then SIGKILL after a second). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    started.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
      await gone;
      clearTimeout(timer);
    }),
  );
}
