import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** A session as the registry knows it: the login that opened it, and for an SSE session the channel of the process holding its stream. */
export interface SharedSession {
  user: string | null;
  via?: string;
}

/**
 * MCP sessions as every process of an app sees them (with `redis`): which session ids exist and which
 * login opened each, and which job each running tool call is, so that any process can serve a Streamable
 * HTTP session's requests and cancel its calls, and pass an SSE session's messages to the process holding
 * its stream. Keys: `<ns>:mcp:s:<session>` → the session (JSON), idle TTL refreshed on each use;
 * `<ns>:mcp:c:<session>:<request id>` → the job id while the call runs.
 */
export class McpSessionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
    private readonly idleMs: number,
  ) {}

  private key(id: string) {
    return `${this.ns}:mcp:s:${id}`;
  }
  private callKey(id: string, requestId: string | number) {
    return `${this.ns}:mcp:c:${id}:${typeof requestId}:${String(requestId).slice(0, 200)}`;
  }

  async open(id: string, session: SharedSession): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(session), "PX", this.idleMs);
  }

  /** The session, refreshing its idle time; undefined when it is unknown or ended. */
  async lookup(id: string): Promise<SharedSession | undefined> {
    const raw = await this.redis.getex(this.key(id), "PX", this.idleMs);
    return raw === null ? undefined : (JSON.parse(raw) as SharedSession);
  }

  async close(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }

  /** A tool call of the session started as this job (kept at most a day, in case its process dies). */
  async callStarted(id: string, requestId: string | number, jobId: string): Promise<void> {
    await this.redis.set(this.callKey(id, requestId), jobId, "PX", 24 * 3600 * 1000);
  }

  async callEnded(id: string, requestId: string | number): Promise<void> {
    await this.redis.del(this.callKey(id, requestId));
  }

  async jobOf(id: string, requestId: string | number): Promise<string | null> {
    return this.redis.get(this.callKey(id, requestId));
  }
}

/**
 * SSE sessions' messages between processes: the process holding a session's stream listens on a channel
 * of its own; another process that is posted a message for that session publishes it there.
 */
export class McpMessageRelay {
  /** This process's channel. */
  readonly channel: string;
  /** Where a process that ends a session says so, for the process that opened it. */
  private readonly endedChannel: string;
  private sub: Redis | null = null;
  private subscribed: Promise<unknown> | null = null;
  private readonly held = new Map<string, (message: unknown) => void>();
  private onEnded: (sessionId: string) => void = () => {};

  constructor(private readonly redis: Redis, ns: string) {
    this.channel = `${ns}:mcp:m:${randomUUID()}`;
    this.endedChannel = `${ns}:mcp:ended`;
  }

  /** The subscriber connection, made on first use: this process's channel and the ended sessions'. */
  private listen(): Promise<unknown> {
    if (this.subscribed) return this.subscribed;
    const sub = (this.sub = this.redis.duplicate());
    sub.on("error", () => undefined); // reconnects on its own
    sub.on("message", (channel: string, raw: string) => {
      if (channel === this.endedChannel) return this.onEnded(raw);
      try {
        const { sessionId: id, message } = JSON.parse(raw) as { sessionId: string; message: unknown };
        this.held.get(id)?.(message);
      } catch {
        // not ours to answer: the sender checked the message before publishing it
      }
    });
    return (this.subscribed = sub.subscribe(this.channel, this.endedChannel));
  }

  /** Messages for this session, posted to other processes, reach `deliver` here. */
  async hold(sessionId: string, deliver: (message: unknown) => void): Promise<void> {
    this.held.set(sessionId, deliver);
    await this.listen();
  }

  /** Sessions ended through any process (a DELETE) are passed to `ended` here, so the one that opened them lets them go. */
  async whenEnded(ended: (sessionId: string) => void): Promise<void> {
    this.onEnded = ended;
    await this.listen();
  }

  /** Says that a session ended, to every process. */
  async ended(sessionId: string): Promise<void> {
    await this.redis.publish(this.endedChannel, sessionId);
  }

  release(sessionId: string): void {
    this.held.delete(sessionId);
  }

  /** Passes a message to the process listening on `channel`; false when no process listens there. */
  async pass(channel: string, sessionId: string, message: unknown): Promise<boolean> {
    return (await this.redis.publish(channel, JSON.stringify({ sessionId, message }))) > 0;
  }

  async close(): Promise<void> {
    this.held.clear();
    await this.sub?.quit().catch(() => this.sub?.disconnect());
  }
}
