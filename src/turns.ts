/**
 * Work that gives the event loop back: a long render checks `turns.due()` between small steps and, when its slice
 * of time is used up, awaits `turns.next()` (one setImmediate), so that SNMP requests, polls and other sessions are
 * served between the slices of a reply of megabytes.
 *
 *   const turns = new Turns();
 *   for (const row of rows) { if (turns.due()) await turns.next(); render(row); }
 */

/** How long a slice of work runs before it gives the event loop back (ms). */
export const TURN_SLICE_MS = 1;

export class Turns {
  private end: number;

  constructor(private readonly sliceMs = TURN_SLICE_MS) {
    this.end = performance.now() + sliceMs;
  }

  /** Whether the slice is used up (call it between steps of about a millisecond or less: it reads the clock, ~0.1 µs). */
  due(): boolean {
    return performance.now() > this.end;
  }

  /** Resolves on the next turn of the event loop, with a new slice. */
  async next(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.end = performance.now() + this.sliceMs;
  }
}
