/** sysUpTime, shared by the main thread (system.ts) and the socket thread (get-cache.ts), which loads no model. */

/** Hundredths of a second since the agent started (TimeTicks wrap at 2^32). */
export function upTime(startedAt: number): number {
  return Math.floor((Date.now() - startedAt) / 10) % 0x100000000;
}
