import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { LoginTokens, McpTokens, McpTokenInfo } from "./tokens.js";

const digest = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Login tokens in Redis, so a login made on one process is valid on every other and a logout anywhere
 * revokes it everywhere. Only a hash of each token is kept, under `<ns>:login:<hash>`, expiring with it.
 */
export class RedisTokenStore implements LoginTokens {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
    readonly ttlMs: number,
  ) {}

  async issue(username: string): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await this.redis.set(`${this.ns}:login:${digest(token)}`, username, "PX", this.ttlMs);
    return token;
  }

  async user(token: string | undefined): Promise<string | null> {
    if (!token) return null;
    return this.redis.get(`${this.ns}:login:${digest(token)}`);
  }

  async revoke(token: string | undefined): Promise<void> {
    if (token) await this.redis.del(`${this.ns}:login:${digest(token)}`);
  }
}

/** Most tokens one login may hold at once (as the in-memory store). */
const PER_USER = 20;

/**
 * MCP bearer tokens in Redis: `<ns>:mcp:h:<hash>` → the entry, `<ns>:mcp:u:<user>` a sorted set of the
 * user's token ids by creation time, `<ns>:mcp:i:<id>` → the hash (so a revoke by id finds it).
 */
export class RedisMcpTokenStore implements McpTokens {
  constructor(
    private readonly redis: Redis,
    private readonly ns: string,
  ) {}

  private userKey(username: string) {
    return `${this.ns}:mcp:u:${digest(username)}`;
  }

  async create(username: string, label: string): Promise<McpTokenInfo & { token: string }> {
    const mine = await this.list(username);
    for (const old of mine.slice(0, Math.max(0, mine.length - PER_USER + 1))) await this.revoke(username, old.id);
    const token = `trmcp_${randomBytes(32).toString("base64url")}`;
    const entry = { id: randomUUID(), username, label: label.slice(0, 100), created: Date.now() };
    const hash = digest(token);
    await this.redis
      .multi()
      .set(`${this.ns}:mcp:h:${hash}`, JSON.stringify(entry))
      .set(`${this.ns}:mcp:i:${entry.id}`, hash)
      .zadd(this.userKey(username), entry.created, JSON.stringify({ id: entry.id, label: entry.label, created: entry.created }))
      .exec();
    return { id: entry.id, token, label: entry.label, created: entry.created };
  }

  async user(token: string | undefined): Promise<string | null> {
    if (!token) return null;
    const raw = await this.redis.get(`${this.ns}:mcp:h:${digest(token)}`);
    return raw === null ? null : (JSON.parse(raw) as { username: string }).username;
  }

  async list(username: string): Promise<McpTokenInfo[]> {
    const members = await this.redis.zrange(this.userKey(username), "0", "-1");
    return members.map((m) => JSON.parse(m) as McpTokenInfo);
  }

  async revoke(username: string, id: string): Promise<boolean> {
    const hash = await this.redis.get(`${this.ns}:mcp:i:${id}`);
    if (hash === null) return false;
    const raw = await this.redis.get(`${this.ns}:mcp:h:${hash}`);
    if (raw === null || (JSON.parse(raw) as { username: string }).username !== username) return false;
    const member = (await this.list(username)).find((t) => t.id === id);
    const m = this.redis.multi().del(`${this.ns}:mcp:h:${hash}`).del(`${this.ns}:mcp:i:${id}`);
    if (member) m.zrem(this.userKey(username), JSON.stringify(member));
    await m.exec();
    return true;
  }
}
