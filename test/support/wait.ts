/** What a condition returns while it does not hold yet: nothing, false, 0, '' or null. */
type NotYet = undefined | null | false | 0 | '';

/**
 * Polls a condition until it returns a truthy value (which it resolves with) or a timeout fails the test
 * with what it waited for. A condition that waits for a value that is 0 or '' says so with an explicit
 * comparison (`() => count() === 0`).
 */
export async function until<T>(what: string, f: () => T | NotYet | Promise<T | NotYet>, timeoutMs = 20000, stepMs = 50): Promise<T> {
  const t0 = Date.now();
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v as T;
    } catch (e) { lastErr = e; }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }
