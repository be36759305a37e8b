import type { ServerResponse } from "node:http";
import { LRUCache } from "lru-cache";
import { CLOSE_STREAM, HEARTBEAT, sse } from "../protocol/frames.js";
import { endOfTurn } from "./turn.js";
import type { Frame } from "../protocol/types.js";

const HEARTBEAT_MS = 15_000;
/** A finished session whose client never opened its stream is forgotten after this long. */
const UNCLAIMED_MS = 60_000;
/**
 * A client opens its stream right after joining; a session whose stream is not open this long after
 * its first join is abandoned: its calls are cancelled and its frames dropped (`attachTimeout`).
 */
export const ATTACH_MS = 30_000;
/**
 * Frames of which a client that has not attached yet needs only the latest, per call: queue positions,
 * and streamed values (sent whole until the stream opens). Progress reports are kept as they come while
 * few are buffered, then only the latest.
 */
const LATEST_ONLY = new Set(["estimation", "process_generating"]);
const FEW = 16;
/** Frames of a call that its result makes moot, for a client that has not read them yet. */
const SUPERSEDED = new Set(["estimation", "process_generating", "progress"]);
/** What a buffered queue position is counted as (it is kept as an object, about this long as text). */
const ESTIMATION_BYTES = 128;
/**
 * A stream with this much written but not yet taken by its client (past what the kernel holds) is
 * congested: its streamed values and progress wait (the latest is sent whole once it drains), so a client
 * that reads slowly, or not at all, costs the server at most this much and one value per call.
 */
export const CONGESTED_BYTES = 1024 * 1024;
/**
 * What may wait for a client that does not read even its calls' results: past it the stream is cut, and
 * the session's pending calls are cancelled as if it had gone away.
 */
export const MAX_BACKLOG_BYTES = 32 * 1024 * 1024;
/**
 * Frames waiting in this process for streams not yet opened, all sessions of an app together. Past it, the
 * session whose frame passes it is abandoned, as one whose stream never opens: calls that each return a
 * large result cannot make the server hold them for a client that never reads them.
 */
export const MAX_UNREAD_BYTES = 256 * 1024 * 1024;

/** Its client is not taking what is written (see CONGESTED_BYTES). */
export const congested = (res: ServerResponse): boolean => res.writableLength > CONGESTED_BYTES;

/** Cuts a stream whose client leaves more than MAX_BACKLOG_BYTES unread (its "close" handlers then run); says whether it did. */
export function cutIfBacklogged(res: ServerResponse): boolean {
  if (res.writableLength <= MAX_BACKLOG_BYTES) return false;
  res.destroy();
  return true;
}

/**
 * A frame waiting for its stream. Queue positions (most of a flood's frames, and never changed once
 * made) stay objects, written out as text only if the stream opens; every other frame is text at once,
 * since the values it carries may change in place after it is sent.
 */
interface Buffered {
  eventId: string | null;
  msg: string;
  frame: Frame | string;
  /** Its size as counted against the bounds (a queue position's object: about its text's length). */
  bytes: number;
}

/** Bytes buffered for unopened streams, shared by the channels of one app. */
interface Unread {
  bytes: number;
}

/**
 * One SSE stream per session (sse_v3): every event of the session travels on it. Frames are buffered
 * from `queue/join` on, so nothing is lost if the stream opens after the job has started; of the queue
 * position, the progress and a streamed value only the latest is kept (streamed values are sent whole
 * until the stream first opens), so a session that never attaches holds little. When the last pending
 * event of the session completes, `close_stream` is sent and the stream ends, as the client expects.
 */
export class Channel {
  private buffer: Buffered[] = [];
  private bufferedBytes = 0;
  private res: ServerResponse | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private waitTimer: NodeJS.Timeout | null = null;
  private abandoned = false;
  private elsewhere = false;
  /** True once a stream has been opened: until then the client has received nothing. */
  everAttached = false;
  readonly pending = new Set<string>();
  /** Called when the client's stream goes away while events are pending. */
  onDisconnect: (() => void) | null = null;

  constructor(
    private readonly onEmpty: () => void,
    private readonly attachMs = ATTACH_MS,
    private readonly unread: Unread = { bytes: 0 },
  ) {}

  /** Its frames will not be read (sent, or the session is forgotten): they no longer count. */
  dropBuffer(): void {
    this.unread.bytes -= this.bufferedBytes;
    this.bufferedBytes = 0;
    this.buffer = [];
  }

  /** Why it was abandoned, told to a stream that opens for it later. */
  abandonedFor: string | null = null;

  /** Its client is taken to have gone: its calls are cancelled and its frames dropped. */
  private abandon(why: string): void {
    this.abandoned = true;
    this.abandonedFor = why;
    this.dropBuffer();
    this.onDisconnect?.();
    this.onEmpty();
  }

  get attached(): boolean {
    return this.res !== null;
  }

  /** The client is not taking what is written (see CONGESTED_BYTES). */
  get congested(): boolean {
    return this.res !== null && congested(this.res);
  }

  /** Calls `then` once the congested stream has been taken by its client (never, if it closes first). */
  whenDrained(then: () => void): void {
    const res = this.res;
    res?.once("drain", () => this.res === res && then());
  }

  get isAbandoned(): boolean {
    return this.abandoned;
  }

  get isElsewhere(): boolean {
    return this.elsewhere;
  }

  /** A call joined: the stream must open within ATTACH_MS, or the session's calls are cancelled and it is dropped. */
  expectStream(): void {
    if (this.everAttached || this.waitTimer) return;
    this.waitTimer = setTimeout(() => {
      this.waitTimer = null;
      if (this.everAttached) return;
      this.abandon(`its event stream did not open within ${+(this.attachMs / 1000).toFixed(1)} s of its first call (attachTimeout), so its calls were cancelled`);
    }, this.attachMs);
    this.waitTimer.unref();
  }

  /**
   * Another process of a shared queue opened the session's stream: this one stops waiting for it and
   * buffers nothing more, keeping only the count of pending calls.
   */
  servedElsewhere(): void {
    if (this.res) return;
    this.elsewhere = true;
    this.everAttached = true;
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    this.dropBuffer();
    this.onEmpty();
  }

  /** A call that was announced but never queued (refused): it will send nothing. */
  forget(eventId: string): void {
    if (!this.pending.delete(eventId) || this.pending.size > 0) return;
    if (this.res) this.close();
    else this.onEmpty();
  }

  send(frame: Frame): void {
    if (this.abandoned) return;
    if (this.res) this.write(this.res, sse(frame));
    else if (!this.elsewhere) {
      const eventId = frame.event_id ?? null;
      if (LATEST_ONLY.has(frame.msg) || (frame.msg === "progress" && this.buffer.length >= FEW)) {
        const i = this.buffer.findIndex((b) => b.msg === frame.msg && b.eventId === eventId);
        if (i >= 0) this.count(-this.buffer.splice(i, 1)[0].bytes);
      } else if (frame.msg === "process_completed" && this.bufferedBytes > CONGESTED_BYTES) {
        // Much is waiting: its result carries the whole value, so the call's streamed value, progress and
        // rank go (a small backlog is kept whole, as the client would have seen it streaming).
        let freed = 0;
        this.buffer = this.buffer.filter((b) => {
          const moot = b.eventId === eventId && SUPERSEDED.has(b.msg);
          if (moot) freed += b.bytes;
          return !moot;
        });
        this.count(-freed);
      }
      const kept = frame.msg === "estimation" ? frame : sse(frame);
      const bytes = typeof kept === "string" ? kept.length : ESTIMATION_BYTES;
      this.buffer.push({ eventId, msg: frame.msg, frame: kept, bytes });
      this.count(bytes);
      if (this.bufferedBytes > MAX_BACKLOG_BYTES) return this.abandon(`more than ${MAX_BACKLOG_BYTES / 2 ** 20} MiB of results waited for its event stream to open, so its calls were cancelled and their results dropped`);
      if (this.unread.bytes > MAX_UNREAD_BYTES) {
        return this.abandon(`the app's sessions had more than ${MAX_UNREAD_BYTES / 2 ** 20} MiB of results waiting for their event streams to open, so this session's calls were cancelled and their results dropped`);
      }
    }
    if (frame.msg === "process_completed" && typeof frame.event_id === "string") {
      this.pending.delete(frame.event_id);
      if (this.pending.size === 0) {
        if (this.res) this.close();
        else setTimeout(() => !this.res && this.pending.size === 0 && this.onEmpty(), UNCLAIMED_MS).unref();
      }
    }
  }

  private count(bytes: number): void {
    this.bufferedBytes += bytes;
    this.unread.bytes += bytes;
  }

  /**
   * Frames sent in one turn of the loop (a rank broadcast, a burst of updates) leave in one socket write,
   * with the turn's other writes at its end (server/turn.ts): a little less CPU and a steadier pace with
   * 1000 streams (bench `stream`, lean clients).
   */
  private write(res: ServerResponse, text: string): void {
    if (!res.writableCorked) {
      res.cork();
      void endOfTurn().then(() => res.uncork());
    }
    res.write(text);
    cutIfBacklogged(res); // its "close" cancels the session's calls
  }

  attach(res: ServerResponse): void {
    if (this.res) this.detach(false); // a newer stream replaces an older one
    this.res = res;
    this.everAttached = true;
    this.elsewhere = false;
    if (this.waitTimer) clearTimeout(this.waitTimer);
    this.waitTimer = null;
    const buffered = this.buffer;
    this.dropBuffer();
    for (const b of buffered) this.write(res, typeof b.frame === "string" ? b.frame : sse(b.frame));
    this.heartbeat = setInterval(() => res.write(HEARTBEAT), HEARTBEAT_MS);
    this.heartbeat.unref();
    res.on("close", () => {
      if (this.res !== res) return;
      this.detach(false);
      if (this.pending.size > 0) this.onDisconnect?.();
      else this.onEmpty();
    });
    if (this.pending.size === 0) this.close();
  }

  private detach(end: boolean): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    const res = this.res;
    this.res = null;
    if (end && res && !res.writableEnded) res.end();
  }

  /** Sends close_stream and ends the stream once nothing is pending. */
  private close(): void {
    if (!this.res) return;
    this.write(this.res, CLOSE_STREAM);
    this.detach(true);
    this.onEmpty();
  }
}

/** The channels of one app, by session key. */
export class Channels {
  private readonly map = new Map<string, Channel>();
  private readonly unread: Unread = { bytes: 0 };
  /** Sessions abandoned lately, and why: a stream opened for one says so (a few words each, bounded). */
  private readonly gone = new LRUCache<string, string>({ max: 10_000, ttl: 10 * 60_000 });

  constructor(private readonly attachMs = ATTACH_MS) {}

  get(key: string): Channel | undefined {
    return this.map.get(key);
  }

  /** What became of a session that is no longer known, if it was abandoned lately. */
  why(key: string): string | undefined {
    return this.gone.get(key);
  }

  open(key: string): Channel {
    let ch = this.map.get(key);
    this.gone.delete(key);
    if (!ch) {
      const created = new Channel(() => {
        if (this.map.get(key) !== created || created.attached) return;
        if (created.pending.size === 0 || created.isAbandoned || created.isElsewhere) {
          this.map.delete(key);
          if (created.abandonedFor) this.gone.set(key, created.abandonedFor);
          created.dropBuffer();
        }
      }, this.attachMs, this.unread);
      this.map.set(key, created);
      ch = created;
    }
    return ch;
  }

  get size(): number {
    return this.map.size;
  }

  /** Bytes buffered for streams not yet opened, all sessions together. */
  get unreadBytes(): number {
    return this.unread.bytes;
  }
}
