// Replies batched per turn of the event loop, under load. A reply that waits for `endOfTurn` is written
// in the loop's check phase, back to back with the turn's other replies, once the turn's requests have
// all been read, rather than one between each read: on loopback (and more so on a VM) a write that finds
// its reader asleep pays for waking it, and the run route's requests per CPU second went from about 0.6
// to about 0.9 of a bare Fastify route's (`npm run bench run`). A lone request (the previous turn and
// this one had no other) is answered at once: nothing to batch it with, so no hop to wait for.

let turn: Promise<void> | null = null;
let arrivals = 0;
let previous = 0;
let counting = false;

/** Resolves in the check phase of the current turn: one promise shared by every caller in the turn. */
export function endOfTurn(): Promise<void> {
  return (turn ??= new Promise((resolve) =>
    setImmediate(() => {
      turn = null;
      resolve();
    }),
  ));
}

/** Notes a request read in this turn. */
export function arrived(): void {
  arrivals++;
  if (counting) return;
  counting = true;
  setImmediate(() => {
    previous = arrivals;
    arrivals = 0;
    counting = false;
  });
}

/** Whether a reply is worth batching: other requests were read in this turn or the one before. */
export function busy(): boolean {
  return arrivals > 1 || previous > 1;
}
