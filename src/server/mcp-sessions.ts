import type { Redis } from "ioredis";

/**
 * MCP Streamable HTTP sessions as every process of an app sees them (with `redis`): which session ids
 * exist and which login opened each, and which job each running tool call is, so that any process can
 * serve a session's requests and cancel its calls. Keys: `<ns>:mcp:s:<session>` → the login (JSON), idle
 * TTL refreshed on each use; `<ns>:mcp:c:<session>:<request id>` → the job id while the call runs.
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

  async open(id: string, user: string | null): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify({ user }), "PX", this.idleMs);
  }

  /** The login that opened the session (null: none), refreshing its idle time; undefined when it is unknown or ended. */
  async owner(id: string): Promise<string | null | undefined> {
    const raw = await this.redis.getex(this.key(id), "PX", this.idleMs);
    if (raw === null) return undefined;
    return (JSON.parse(raw) as { user: string | null }).user;
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
