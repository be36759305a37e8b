import type { Tally } from "../core/counter.js";
import { HttpError } from "../core/errors.js";
import { FrameWriter } from "../protocol/frames.js";
import { isFinal, type FinalEvent as Final, type JobData, type JobEvent, type Scheduler } from "../queue/scheduler.js";
import { ATTACH_MS, Channels, type Channel } from "./channels.js";

/**
 * Between the scheduler and the clients: each job's lifecycle events go to the one place waiting for
 * them, the session's event stream (as protocol frames) or a one-shot call's reply. Events arrive by job
 * id only, so the job may run anywhere.
 */
export class Transport {
  readonly channels: Channels;
  /** How long a call's stream may take to open before the call is cancelled (`attachTimeout`). */
  readonly attachMs: number;
  private readonly sinks = new Map<string, (e: JobEvent) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly scheduler: Scheduler,
    limits: { attachMs?: number },
    /** Calls waiting or running per client address (`maxPerClient`). */
    private readonly perClient: Tally,
  ) {
    this.attachMs = limits.attachMs ?? ATTACH_MS;
    this.channels = new Channels(this.attachMs);
    this.unsubscribe = scheduler.subscribe((e) => this.sinks.get(e.jobId)?.(e));
    const shared = scheduler.sessions;
    if (shared) {
      // A queue shared by several processes: this process follows every session's streamed calls,
      // wherever they were joined, so it can serve the session's stream if the client opens it here.
      shared.onJoin((jobId, key) => {
        if (this.sinks.has(jobId)) return; // joined here
        const channel = this.channels.open(key);
        // The stream is open here: the process that took the join must not wait for it.
        if (channel.attached) shared.attached(key);
        this.follow(jobId, channel);
        this.sinks.set(jobId, this.sink(jobId, channel, () => this.sinks.delete(jobId)));
      });
      shared.onDrop((jobId) => {
        const sink = this.sinks.get(jobId);
        if (!sink || !this.remote.has(jobId)) return;
        this.sinks.delete(jobId);
        this.remote.get(jobId)!.forget(jobId);
        this.remote.delete(jobId);
      });
      shared.onAttach((key) => this.channels.get(key)?.servedElsewhere());
    }
  }

  /** Calls joined through another process, by id, and the channel following them here. */
  private readonly remote = new Map<string, Channel>();

  private follow(jobId: string, channel: Channel): void {
    channel.pending.add(jobId);
    this.remote.set(jobId, channel);
    // A client that leaves while calls are pending cancels them, wherever they were joined.
    channel.onDisconnect ??= () => {
      for (const pending of channel.pending) void this.scheduler.cancel(pending);
    };
  }

  /** Turns a job's events into frames on the session's stream. */
  private sink(jobId: string, channel: Channel, ended: () => void): (e: JobEvent) => void {
    const writer = new FrameWriter(jobId);
    /** The latest streamed value held back from a congested stream. */
    let held: JobEvent | null = null;
    return (e) => {
      if (isFinal(e)) {
        ended();
        this.remote.delete(jobId);
        held = null; // the result carries the whole value
      }
      // Its stream is served by another process: nothing to write here (and no frame to build). Should
      // the stream open here later, its client holds none of what this writer last built.
      if (channel.isElsewhere) return writer.forget();
      // A client that is not reading gets no more updates until it catches up; then the latest, whole.
      if ((e.type === "generating" || e.type === "progress" || e.type === "queued") && channel.congested) {
        if (e.type !== "generating") return;
        if (held === null) {
          channel.whenDrained(() => {
            const latest = held;
            held = null;
            if (latest && !channel.isElsewhere) channel.send(writer.frame(latest, true));
          });
        }
        held = e;
        return;
      }
      if (e.type === "generating") held = null; // sent now: a value held back before it is older
      // Until its stream first opens, a client holds no streamed value: updates go whole, latest only.
      channel.send(writer.frame(e, !channel.everAttached));
    };
  }

  /**
   * Queues a job and hands each of its events to `sink`; a refused push leaves no trace. The slot is
   * given back exactly once: on the job's last event (its sink is then removed) or when the push fails.
   */
  private async queue(job: JobData, sink: (e: JobEvent) => void, undo: () => void): Promise<void> {
    // Counted against its client address's bound (with Redis, the app's across processes).
    const client = job.request.client.host ?? "";
    let taken: boolean;
    try {
      const t = this.perClient.take(client);
      taken = typeof t === "boolean" ? t : await t;
    } catch (err) {
      undo();
      throw err;
    }
    if (!taken) {
      undo();
      throw new HttpError(429, "TR_ERR_RATE_LIMITED", `too many calls waiting or running from this address (at most ${this.perClient.limit}); try again when some have finished`);
    }
    const id = job.id;
    this.sinks.set(id, (e) => {
      if (isFinal(e)) {
        this.sinks.delete(id);
        this.perClient.give(client);
      }
      sink(e);
    });
    try {
      await this.scheduler.push(job);
    } catch (err) {
      if (this.sinks.delete(id)) this.perClient.give(client);
      undo();
      throw err;
    }
  }

  /** Queues a job whose events go to the session's stream as frames. */
  async stream(job: JobData, channel: Channel): Promise<void> {
    channel.pending.add(job.id);
    channel.expectStream();
    job.streamed = true;
    await this.queue(job, this.sink(job.id, channel, () => {}), () => channel.pending.delete(job.id));
    // Its stream is already open here: the other processes stop following the call, and the worker
    // running it sends its updates here only.
    if (channel.attached && job.sessionKey !== null) this.scheduler.sessions?.attached(job.sessionKey);
  }

  /** With a shared queue: the session's stream is served here; the other processes stop following it. */
  async claim(key: string): Promise<Channel | undefined> {
    const shared = this.scheduler.sessions;
    let channel = this.channels.get(key);
    if (shared && (!channel || channel.pending.size === 0)) {
      // The join may have been taken by another process just now: hear everything published before.
      await shared.sync();
      channel = this.channels.get(key);
      // Or announced while this process was reconnecting to Redis, and never heard: read from Redis.
      if (!channel) {
        await shared.recover(key);
        channel = this.channels.get(key);
      }
    }
    if (shared && channel && channel.pending.size > 0) shared.attached(key);
    return channel;
  }

  /**
   * Queues a job and resolves with its last event (a one-shot call waits for its answer); `onEvent`
   * hears the events before it (progress, streamed values) for callers that relay them (MCP).
   */
  async call(job: JobData, onEvent?: (e: JobEvent) => void): Promise<Final> {
    return (await this.submit(job, onEvent)).ended;
  }

  /**
   * Queues a job and resolves once it is queued, with its last event to come; a refusal (queue full, too
   * many calls from this address) rejects at once, so a caller that answers before the call ends (the
   * two-step API) can still answer with the refusal.
   */
  async submit(job: JobData, onEvent?: (e: JobEvent) => void): Promise<{ ended: Promise<Final> }> {
    let done!: (e: Final) => void;
    const ended = new Promise<Final>((resolve) => (done = resolve));
    await this.queue(job, (e) => (isFinal(e) ? done(e) : onEvent?.(e)), () => {});
    return { ended };
  }

  close(): void {
    this.unsubscribe();
  }
}
