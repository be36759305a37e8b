import { Client } from "@gradio/client";
import type { AppConfig } from "$protocol";
import { newSessionHash } from "../lib/session.js";

/** The page's URL without query, hash or trailing slash: what Client.connect needs. */
export function appUrl(loc: Location = window.location): string {
  const path = loc.pathname.replace(/index\.html$/, "").replace(/\/+$/, "");
  return loc.origin + path;
}

const CLOSED = 2;

/**
 * A `Client` that notices when its event stream goes away while it still counts on it: the server
 * restarted or the connection broke. The client itself then waits for ever (its stream is still "open"
 * to it, so it never opens another, and a stream that ended without an error tells its jobs nothing).
 */
class PageClient extends Client {
  /** Called once when the stream is lost. */
  onLost: (() => void) | null = null;

  override stream(url: URL): EventSource {
    const stream = super.stream(url);
    if (!url.pathname.endsWith("/queue/data")) return stream;
    // The client's stream object only sets `readyState` when it ends (with or without an error): watch that.
    let state = stream.readyState;
    Object.defineProperty(stream, "readyState", {
      configurable: true,
      get: () => state,
      set: (v: number) => {
        state = v;
        // After `close_stream` the client has marked its stream closed: that end is the normal one.
        if (v === CLOSED && this.stream_status.open && !this.closed && this.stream_instance === stream) {
          const lost = this.onLost;
          this.onLost = null;
          lost?.();
        }
      },
    });
    return stream;
  }
}

async function open(url: string, session_hash: string): Promise<PageClient> {
  return (await PageClient.connect(url, { session_hash, events: ["data", "status", "log"], record_history: false })) as PageClient;
}

/**
 * The page's one line to the server: a @gradio/client `Client` with a CSPRNG session id. One session per
 * page load; Clear starts a new one (`restart`), so session state starts over. When the server goes away
 * (a restart), the client is dropped and the next call connects again, with a new session.
 */
export class Connection {
  private client: Promise<PageClient>;
  /** The newest client connected. */
  private current: PageClient | null = null;
  /** The current client cannot be used again: the next call connects anew. */
  private broken = false;
  private readonly lostListeners = new Set<(client: Client) => void>();

  private constructor(
    readonly url: string,
    client: PageClient,
  ) {
    this.client = Promise.resolve(this.watch(client));
  }

  /** Connects to the app at `url`; the config comes with the connection. */
  static async open(url: string): Promise<{ connection: Connection; config: AppConfig }> {
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
    if (this.broken) {
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
