/**
 * The hold-down and hysteresis state machine of one alarm condition, free of I/O and clocks (the caller
 * gives the time), so that it is unit-tested on its own.
 *
 * A detector turns a measured value into a signal with two levels (hysteresis):
 *   raise  the value is at or beyond the raise level: the condition is met;
 *   clear  the value is at or within the clear level: the condition is gone;
 *   hold   in between, or unknown (node unreachable, value not reported): neither.
 * Hold-down: an inactive condition is raised only after the raise signal held for holdDown without
 * interruption, an active one cleared only after the clear signal held for holdDown. Any other signal
 * restarts the wait. So a condition flapping faster than holdDown never changes state, and at most one
 * raise and one clear happen per hold-down period whatever the input.
 */

export type Signal = 'raise' | 'clear' | 'hold';
export type Transition = 'raise' | 'clear';

export class HoldDown {
  private since: number | undefined;

  constructor(public active = false) {}

  /** Whether a transition is waiting for its hold-down time. */
  get pending(): boolean { return this.since !== undefined; }
  /** When the signal that would change the state was first seen without interruption (ms), if it is. */
  get pendingSince(): number | undefined { return this.since; }

  /**
   * Feeds one observation (or a timer tick with the last one). Returns the transition that happens now,
   * if any. now is in milliseconds; holdDownMs 0 makes transitions immediate.
   */
  step(signal: Signal, now: number, holdDownMs: number): Transition | undefined {
    const wanted: Transition = this.active ? 'clear' : 'raise';
    if (signal !== wanted) {
      this.since = undefined;
      return undefined;
    }
    if (this.since === undefined || now < this.since) this.since = now;
    if (now - this.since < holdDownMs) return undefined;
    this.since = undefined;
    this.active = !this.active;
    return wanted;
  }
}

/** Signal of a value that is bad when high: raise at or above raise, clear at or below clear. */
export function rising(value: number, raise: number, clear: number): Signal {
  if (value >= raise) return 'raise';
  if (value <= clear) return 'clear';
  return 'hold';
}

/** Signal of a value that is bad when low: raise below raise, clear at or above clear. */
export function falling(value: number, raise: number, clear: number): Signal {
  if (value < raise) return 'raise';
  if (value >= clear) return 'clear';
  return 'hold';
}
