import { Client, handle_file } from "@gradio/client";
import type { AppConfig } from "$protocol";
import { newSessionHash } from "../lib/session.js";

/** The page's URL without query, hash or trailing slash: what Client.connect needs. */
export function appUrl(loc: Location = window.location): string {
  const path = loc.pathname.replace(/index\.html$/, "").replace(/\/+$/, "");
  return loc.origin + path;
}

function open(url: string, session_hash: string): Promise<Client> {
  return Client.connect(url, { session_hash, events: ["data", "status", "log"], record_history: false });
}

/**
 * The page's one line to the server: a @gradio/client `Client` with a CSPRNG session id. One session per
 * page load; Clear starts a new one (`restart`), so session state starts over.
 */
export class Connection {
  private client: Promise<Client>;

  private constructor(
    readonly url: string,
    client: Client,
  ) {
    this.client = Promise.resolve(client);
  }

  /** Connects to the app at `url`; the config comes with the connection. */
  static async open(url: string): Promise<{ connection: Connection; config: AppConfig }> {
    const client = await open(url, newSessionHash());
    if (!client.config) throw new Error("The app sent no config.");
    return { connection: new Connection(url, client), config: client.config as unknown as AppConfig };
  }

  /** The client of the current session (after a Clear, once the new session is connected). */
  ready(): Promise<Client> {
    return this.client;
  }

  /** A new session (Clear). When it cannot connect, `onLost` hears why and calls keep the previous session. */
  restart(onLost: (err: unknown) => void): void {
    const next = open(this.url, newSessionHash());
    const previous = this.client;
    this.client = next.catch(async (err) => {
      onLost(err);
      return previous;
    });
  }
}

/** A component value as the client sends it: Blobs/Files become uploads (the client uploads them). */
export function toWire(v: unknown): unknown {
  if (v instanceof Blob) return handle_file(v);
  if (Array.isArray(v) && v.some((x) => x instanceof Blob)) return v.map((x) => (x instanceof Blob ? handle_file(x) : x));
  return v;
}
