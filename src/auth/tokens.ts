import { randomBytes } from "node:crypto";

interface TokenEntry {
  username: string;
  expires: number;
}

/** Where login tokens live: this process's memory, or Redis (shared by every process of the app). */
export interface LoginTokens {
  readonly ttlMs: number;
  issue(username: string): string | Promise<string>;
  /** The user a token belongs to, or null for an unknown, revoked or expired token. */
  user(token: string | undefined): string | null | Promise<string | null>;
  revoke(token: string | undefined): void | Promise<void>;
}

export interface McpTokenInfo {
  id: string;
  label: string;
  created: number;
}

/** Where MCP bearer tokens live (memory, or Redis). */
export interface McpTokens {
  create(username: string, label: string): (McpTokenInfo & { token: string }) | Promise<McpTokenInfo & { token: string }>;
  user(token: string | undefined): string | null | Promise<string | null>;
  list(username: string): McpTokenInfo[] | Promise<McpTokenInfo[]>;
  revoke(username: string, id: string): boolean | Promise<boolean>;
}

/** Login tokens: 256 random bits each, held on the server so logout can revoke them, with an expiry. */
export class TokenStore implements LoginTokens {
  private readonly tokens = new Map<string, TokenEntry>();
  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(username: string): string {
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { username, expires: this.now() + this.ttlMs });
    this.sweep();
    return token;
  }

  /** The user a token belongs to, or null for an unknown, revoked or expired token. */
  user(token: string | undefined): string | null {
    if (!token) return null;
    const entry = this.tokens.get(token);
    if (!entry) return null;
    if (entry.expires <= this.now()) {
      this.tokens.delete(token);
      return null;
    }
    return entry.username;
  }

  revoke(token: string | undefined): void {
    if (token) this.tokens.delete(token);
  }

  private sweep() {
    if (this.tokens.size % 256 !== 0) return;
    const now = this.now();
    for (const [t, e] of this.tokens) if (e.expires <= now) this.tokens.delete(t);
  }
}
