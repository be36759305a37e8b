/**
 * With "auto", waiting jobs hear of their new rank at most this often (one broadcast per burst of
 * starts), and less often as the queue grows, so that a long queue costs at most a few percent of a core.
 */
export const AUTO_BROADCAST_MS = 250;
export const BROADCAST_MS_PER_WAITING = 0.05;

/**
 * When a scheduler tells its waiting jobs their ranks: ranks change whenever a job starts or leaves, and
 * `schedule()` is called each time; the broadcasts themselves are coalesced. With `statusUpdateRate`
 * "auto", one broadcast follows a burst of changes after AUTO_BROADCAST_MS (longer for a long queue);
 * with a number of seconds, one every that often while jobs wait. Shared by the in-memory and the Redis
 * schedulers. `schedule()` allocates nothing but the timer: the in-memory path calls it on every start.
 */
export class BroadcastPacer {
  private timer: NodeJS.Timeout | null = null;
  private periodic: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly rate: number | "auto",
    /** How many jobs wait now (nothing is scheduled while none do). */
    private readonly waiting: () => number,
    private readonly broadcast: () => void,
  ) {}

  private readonly fire = (): void => {
    this.timer = null;
    this.broadcast();
  };

  private readonly tick = (): void => {
    if (this.waiting() === 0) {
      clearInterval(this.periodic!);
      this.periodic = null;
    } else this.broadcast();
  };

  /** Ranks changed: a broadcast follows (at most one is pending at a time). */
  schedule(): void {
    if (this.stopped) return;
    const waiting = this.waiting();
    if (waiting === 0) return;
    if (this.rate === "auto") {
      if (this.timer) return;
      this.timer = setTimeout(this.fire, Math.max(AUTO_BROADCAST_MS, waiting * BROADCAST_MS_PER_WAITING));
      this.timer.unref();
    } else if (!this.periodic) {
      this.periodic = setInterval(this.tick, this.rate * 1000);
      this.periodic.unref();
    }
  }

  /** No broadcast after this (the scheduler closes). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.periodic) clearInterval(this.periodic);
    this.timer = this.periodic = null;
  }
}
