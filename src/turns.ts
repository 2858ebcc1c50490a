/**
 * Work that gives the event loop back: a long render checks `turns.due()` between small steps and, when its slice
 * of time is used up, awaits `turns.next()` (one setImmediate), so that SNMP requests, polls and other sessions are
 * served between the slices of a reply of megabytes.
 *
 *   const turns = new Turns();
 *   for (const row of rows) { if (turns.due()) await turns.next(); render(row); }
 */

/**
 * How long a slice of work runs before it gives the event loop back (ms). A tenth of a millisecond: an SNMP GET
 * takes 0.1-0.3 ms and Debian's snmpd answers 99% within 0.7-1.5 ms on the test machine, so a GET that lands behind a
 * slice of a full <get> must not wait long (bench/snmp-latency.js, SNMP GET p99 ours/snmpd: 1.46-2.05 back to back and
 * 1.94-3.54 paced with 1 ms slices in two runs, 0.83-1.33 and 1.36-2.49 with 0.25 ms in five, same bridge CPU; with
 * 0.1 ms and 4 list entries per step of a streamed <get> (render-stream.ts), alternated with 0.25 ms and 16 entries
 * in three pairs, our paced p99 2.00, 2.41, 2.14 -> 1.53, 1.84, 1.73 ms; a full <get> of 10.6 MB takes longer in wall
 * time, at most 0.8, 1.5 and 1.8 s in those runs instead of 0.4-1.1 s, as the other work is served between its slices).
 */
export const TURN_SLICE_MS = 0.1;

export class Turns {
  private end: number;

  constructor(private readonly sliceMs = TURN_SLICE_MS) {
    this.end = performance.now() + sliceMs;
  }

  /** Whether the slice is used up (call it between steps of a fraction of TURN_SLICE_MS: it reads the clock, ~0.1 µs). */
  due(): boolean {
    return performance.now() > this.end;
  }

  /** Resolves on the next turn of the event loop, with a new slice. */
  async next(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.end = performance.now() + this.sliceMs;
  }
}
