import type { Client } from "@gradio/client";
import type { AppConfig } from "$protocol";
import { newSessionHash } from "../lib/session.js";

/** The page's URL without query, hash or trailing slash: what Client.connect needs. */
export function appUrl(loc: Location = window.location): string {
  const path = loc.pathname.replace(/index\.html$/, "").replace(/\/+$/, "");
  return loc.origin + path;
}

type PageClient = import("./client.js").PageClient;

async function open(url: string, session_hash: string): Promise<PageClient> {
  const { openClient } = await import("./client.js");
  return openClient(url, session_hash);
}

/**
 * The page's one line to the server: a @gradio/client `Client` with a CSPRNG session id. One session per
 * page load; Clear starts a new one (`restart`), so session state starts over. When the server goes away
 * (a restart), the client is dropped and the next call connects again, with a new session.
 * With the config embedded in the page, nothing waits for the client: it is loaded and connected after
 * the page is drawn (`warm`), or by the first call, whichever comes first.
 */
export class Connection {
  /** Null until the first call (or `warm`) connects. */
  private client: Promise<PageClient> | null;
  /** The newest client connected. */
  private current: PageClient | null = null;
  /** The current client cannot be used again: the next call connects anew. */
  private broken = false;
  private readonly lostListeners = new Set<(client: Client) => void>();

  private constructor(
    readonly url: string,
    client: PageClient | null,
  ) {
    this.client = client ? Promise.resolve(this.watch(client)) : null;
  }

  /**
   * Connects to the app at `url`; the config comes with the connection. With `config` (the one embedded
   * in the page) it returns at once, and connects later.
   */
  static async open(url: string, config: AppConfig | null = null): Promise<{ connection: Connection; config: AppConfig }> {
    if (config) return { connection: new Connection(url, null), config };
    const client = await open(url, newSessionHash());
    if (!client.config) throw new Error("The app sent no config.");
    return { connection: new Connection(url, client), config: client.config as unknown as AppConfig };
  }

  /** Hears of a client whose stream was lost (its jobs will hear nothing more). */
  onLost(listener: (client: Client) => void): void {
    this.lostListeners.add(listener);
  }

  private watch(client: PageClient): PageClient {
    client.onLost = () => this.lost(client);
    this.current = client;
    return client;
  }

  /** The client of the current session (after a Clear or a lost connection, once a new session is connected). */
  ready(): Promise<Client> {
    if (this.broken || !this.client) {
      this.broken = false;
      this.client = open(this.url, newSessionHash()).then(
        (c) => this.watch(c),
        (err) => {
          this.broken = true;
          throw err;
        },
      );
    }
    return this.client;
  }

  /** Loads and connects the client now (once the page is drawn), so the first call finds it ready. */
  warm(): void {
    if (!this.client) this.ready().catch(() => {});
  }

  /**
   * The stream of `client` is gone: its jobs are told, it is closed, and the next call starts a new
   * session (the server that held the old one has forgotten it).
   */
  lost(client: Client): void {
    if (client === this.current) this.broken = true;
    client.close();
    for (const listener of this.lostListeners) listener(client);
  }

  /** A new session (Clear). When it cannot connect, `onFailure` hears why and the next call tries again. */
  restart(onFailure: (err: unknown) => void): void {
    this.broken = false;
    this.client = open(this.url, newSessionHash()).then(
      (c) => this.watch(c),
      (err) => {
        onFailure(err);
        this.broken = true;
        throw err;
      },
    );
    // A failed restart is reported by `onFailure`; calls wait for `ready()`, which tries again.
    this.client.catch(() => {});
  }
}
