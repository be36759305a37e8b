import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { McpTokens } from "./tokens.js";

interface Entry {
  id: string;
  username: string;
  label: string;
  created: number;
}

/** Most tokens one login may hold at once. */
const PER_USER = 20;

const digest = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Bearer tokens for the MCP endpoint of an app with a login: a logged-in person creates one (on the page
 * or by API) for an agent, and may list and revoke them. Only a hash of each token is kept.
 */
export class McpTokenStore implements McpTokens {
  private readonly byHash = new Map<string, Entry>();

  create(username: string, label: string): { id: string; token: string; label: string; created: number } {
    const mine = this.list(username);
    if (mine.length >= PER_USER) this.revoke(username, mine[0].id);
    const token = `trmcp_${randomBytes(32).toString("base64url")}`;
    const entry: Entry = { id: randomUUID(), username, label: label.slice(0, 100), created: Date.now() };
    this.byHash.set(digest(token), entry);
    return { id: entry.id, token, label: entry.label, created: entry.created };
  }

  /** The user a token belongs to, or null. */
  user(token: string | undefined): string | null {
    if (!token) return null;
    return this.byHash.get(digest(token))?.username ?? null;
  }

  list(username: string): { id: string; label: string; created: number }[] {
    return [...this.byHash.values()].filter((e) => e.username === username).map(({ id, label, created }) => ({ id, label, created }));
  }

  revoke(username: string, id: string): boolean {
    for (const [hash, e] of this.byHash) {
      if (e.id === id && e.username === username) {
        this.byHash.delete(hash);
        return true;
      }
    }
    return false;
  }
}
