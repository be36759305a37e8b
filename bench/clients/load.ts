// The clients of the queue benchmarks: `@gradio/client` instances in their own process, over loopback.
import { Client } from "@gradio/client";

const [mode, base, countArg] = process.argv.slice(2);
const count = Number(countArg);

async function connectAll(n: number): Promise<Client[]> {
  const clients: Client[] = [];
  // Connect in waves so set-up traffic does not count against the measured part.
  for (let i = 0; i < n; i += 50) {
    const wave = Array.from({ length: Math.min(50, n - i) }, () => Client.connect(base, { events: ["data", "status"] }));
    clients.push(...(await Promise.all(wave)));
  }
  return clients;
}

async function consume(job: AsyncIterable<{ type: string; data?: unknown }>): Promise<unknown> {
  let last: unknown;
  for await (const m of job) if (m.type === "data") last = m.data;
  return last;
}

if (mode === "stream") {
  const clients = await connectAll(count);
  process.send?.({ connected: clients.length });
  await new Promise((go) => process.once("message", go));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const results = await Promise.all(clients.map((c) => consume(c.submit("/predict", ["go"]))));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const complete = results.filter((r) => typeof (r as string[])?.[0] === "string" && (r as string[])[0].endsWith("t499 ")).length;
  process.send?.({ seconds, complete, cpu: (used.user + used.system) / 1e6 });
} else if (mode === "drain") {
  const clients = await connectAll(50);
  const overheads: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const client = clients[i % clients.length];
      const job = client.submit("/predict", [`job ${i}`]);
      let began = 0;
      for await (const m of job as AsyncIterable<any>) {
        if (m.type === "status" && m.stage === "pending" && m.original_msg === "process_starts") began = performance.now();
        if (m.type === "data") overheads.push(performance.now() - began - 20);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  overheads.sort((a, b) => a - b);
  const pct = (p: number) => overheads[Math.min(overheads.length - 1, Math.floor((p / 100) * overheads.length))];
  process.send?.({ seconds, p50: pct(50), p99: pct(99), jobs: overheads.length });
} else if (mode === "idle") {
  const clients = await connectAll(count);
  let waiting = 0;
  const jobs = clients.map(async (c) => {
    let told = false;
    for await (const m of c.submit("/predict", ["wait"]) as AsyncIterable<any>) {
      if (!told && m.type === "status" && m.stage === "pending") {
        told = true;
        if (++waiting === clients.length) process.send?.({ connected: clients.length });
      }
    }
  });
  process.on("message", async (m) => {
    if (m === "finish") {
      await Promise.all(jobs);
      process.send?.({ finished: true });
    }
  });
}
