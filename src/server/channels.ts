import type { ServerResponse } from "node:http";
import type { QueueMessage } from "../queue/scheduler.js";

const HEARTBEAT_MS = 15_000;
/** A finished session whose client never opened its stream is forgotten after this long. */
const UNCLAIMED_MS = 60_000;

/**
 * One SSE stream per session (sse_v3): every event of the session travels on it. Messages are buffered
 * from `queue/join` on, so nothing is lost if the stream opens after the job has started. When the last
 * pending event of the session completes, `close_stream` is sent and the stream ends, as the client expects.
 */
export class Channel {
  private buffer: string[] = [];
  private res: ServerResponse | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  readonly pending = new Set<string>();
  /** Called when the client's stream goes away while events are pending. */
  onDisconnect: (() => void) | null = null;

  constructor(private readonly onEmpty: () => void) {}

  get attached(): boolean {
    return this.res !== null;
  }

  send(msg: QueueMessage): void {
    const frame = `data: ${JSON.stringify(msg)}\n\n`;
    if (this.res) this.write(this.res, frame);
    else this.buffer.push(frame);
    if (msg.msg === "process_completed" && typeof msg.event_id === "string") {
      this.pending.delete(msg.event_id);
      if (this.pending.size === 0) {
        if (this.res) this.close();
        else setTimeout(() => !this.res && this.pending.size === 0 && this.onEmpty(), UNCLAIMED_MS).unref();
      }
    }
  }

  /** Frames sent in one tick (a rank broadcast, a burst of updates) leave in one socket write. */
  private write(res: ServerResponse, frame: string) {
    if (!res.writableCorked) {
      res.cork();
      process.nextTick(() => res.uncork());
    }
    res.write(frame);
  }

  attach(res: ServerResponse): void {
    if (this.res) this.detach(false); // a newer stream replaces an older one
    this.res = res;
    for (const frame of this.buffer) res.write(frame);
    this.buffer = [];
    this.heartbeat = setInterval(() => res.write(`data: ${JSON.stringify({ msg: "heartbeat", event_id: null })}\n\n`), HEARTBEAT_MS);
    this.heartbeat.unref();
    res.on("close", () => {
      if (this.res !== res) return;
      this.detach(false);
      if (this.pending.size > 0) this.onDisconnect?.();
      else this.onEmpty();
    });
    if (this.pending.size === 0) this.close();
  }

  private detach(end: boolean) {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    const res = this.res;
    this.res = null;
    if (end && res && !res.writableEnded) res.end();
  }

  /** Sends close_stream and ends the stream once nothing is pending. */
  private close() {
    if (!this.res) return;
    this.write(this.res, `data: ${JSON.stringify({ msg: "close_stream", event_id: null })}\n\n`);
    this.detach(true);
    this.onEmpty();
  }
}

/** The channels of one app, by session hash. */
export class Channels {
  private readonly map = new Map<string, Channel>();

  get(sessionHash: string): Channel | undefined {
    return this.map.get(sessionHash);
  }

  open(sessionHash: string): Channel {
    let ch = this.map.get(sessionHash);
    if (!ch) {
      ch = new Channel(() => {
        if (this.map.get(sessionHash) === ch && ch!.pending.size === 0 && !ch!.attached) this.map.delete(sessionHash);
      });
      this.map.set(sessionHash, ch);
    }
    return ch;
  }

  get size() {
    return this.map.size;
  }
}
