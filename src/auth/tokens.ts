import { randomBytes } from "node:crypto";

interface TokenEntry {
  username: string;
  expires: number;
}

/** Login tokens: 256 random bits each, held on the server so logout can revoke them, with an expiry. */
export class TokenStore {
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
