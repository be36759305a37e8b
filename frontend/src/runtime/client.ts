// @gradio/client, in a chunk of its own: a page whose config is embedded needs no client to be drawn, so
// it is loaded (already fetched: the server names it in the page) only once the page is interactive.
import { Client } from "@gradio/client";

const CLOSED = 2;

/**
 * A `Client` that notices when its event stream goes away while it still counts on it: the server
 * restarted or the connection broke. The client itself then waits for ever (its stream is still "open"
 * to it, so it never opens another, and a stream that ended without an error tells its jobs nothing).
 */
export class PageClient extends Client {
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

export async function openClient(url: string, session_hash: string): Promise<PageClient> {
  return (await PageClient.connect(url, { session_hash, events: ["data", "status", "log"], record_history: false })) as PageClient;
}
