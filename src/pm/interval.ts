/**
 * Interval arithmetic of performance management, free of I/O: epoch-aligned boundaries, the
 * accumulator of one metric of one resource over one interval, percentiles and the 24-hour value.
 * Times are milliseconds since the epoch; granularities and durations are seconds.
 */
import type { DayRule, MetricDef } from './metrics';

export const SECOND = 1000;
export const DAY_MS = 86_400_000;
/** History intervals kept per resource and metric (RFC 3593: 96 fifteen-minute intervals). */
export const MAX_HISTORY = 96;
/** Samples kept for a percentile; beyond this the accumulator keeps a uniform reservoir sample. */
export const MAX_SAMPLES = 4096;

/** Start of the interval of the given granularity that contains t: a multiple of the granularity since the epoch. */
export function alignStart(t: number, granularitySec: number): number {
  const g = granularitySec * SECOND;
  return Math.floor(t / g) * g;
}

/** First boundary strictly after t. */
export function nextBoundary(t: number, granularitySec: number): number {
  return alignStart(t, granularitySec) + granularitySec * SECOND;
}

/** First boundary at or after t. */
export function ceilBoundary(t: number, granularitySec: number): number {
  const s = alignStart(t, granularitySec);
  return s === t ? t : s + granularitySec * SECOND;
}

/** Fixed point with three fraction digits (model type milli). */
export function roundMilli(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Percentile by the nearest-rank method: the smallest sample such that at least p% of the samples are at
 * or below it (p95 of 1..20 is 19, of 1..100 is 95). Undefined without samples.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileSorted(sorted, p);
}

function percentileSorted(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The serialisable state of an accumulator (saved at shutdown, restored at start). */
export interface AccState {
  observed: boolean;
  suspect: boolean;
  n: number;
  sum: number;
  min: number;
  max: number;
  /** Last sampled timestamp (ms), for age metrics. */
  last?: number;
  samples: number[];
  /** Samples offered (samples holds at most MAX_SAMPLES of them). */
  seen: number;
}

/** One metric of one resource over one interval. */
export class Accumulator {
  private s: AccState;
  private p95Cache: number | undefined;
  private p95Valid = false;

  constructor(state?: AccState, private readonly random: () => number = Math.random) {
    this.s = state ? { ...state, samples: [...state.samples] } : {
      observed: false, suspect: false, n: 0, sum: 0, min: Infinity, max: -Infinity, samples: [], seen: 0,
    };
  }

  get observed(): boolean { return this.s.observed; }
  get suspect(): boolean { return this.s.suspect; }
  get count(): number { return this.s.n; }

  /** The resource was seen in the interval (a count metric is then 0 rather than absent). */
  observe(): void { this.s.observed = true; }
  markSuspect(): void { this.s.suspect = true; }

  /** A sample: an event count or delta (count, rate), or a measured value (mean, min, max, p95). */
  add(v: number, keepSample = false): void {
    if (!Number.isFinite(v)) return;
    const s = this.s;
    s.observed = true;
    s.n++;
    s.sum += v;
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
    if (keepSample) {
      s.seen++;
      if (s.samples.length < MAX_SAMPLES) s.samples.push(v);
      else {
        const j = Math.floor(this.random() * s.seen);
        if (j < MAX_SAMPLES) s.samples[j] = v;
      }
      this.p95Valid = false;
    }
  }

  /**
   * Takes back v of a count or rate (blocks a reorganisation removed from the best chain), down to 0: what
   * this interval counted of them goes; what an earlier, closed interval counted stays counted there.
   * So an interval holding a whole reorganisation counts the canonical growth exactly.
   */
  retract(v: number): void {
    if (!Number.isFinite(v) || v <= 0) return;
    const s = this.s;
    s.observed = true;
    s.sum = Math.max(0, s.sum - v);
  }

  /** A timestamp sample (age metrics): the newest wins. */
  setLast(t: number): void {
    this.s.observed = true;
    if (this.s.last === undefined || t > this.s.last) this.s.last = t;
  }

  /**
   * The value over [start, at): at is now for the current interval, the end for a closed one.
   * Undefined when the interval has no sample (counts: unless the resource was observed).
   */
  value(def: MetricDef, start: number, at: number): number | undefined {
    const s = this.s;
    let v: number | undefined;
    switch (def.rule) {
      case 'count':
        v = s.n > 0 ? s.sum : def.zeroWhenObserved && s.observed ? 0 : undefined;
        break;
      case 'rate':
        v = s.n > 0 || (def.zeroWhenObserved && s.observed) ? s.sum / Math.max(1, (at - start) / SECOND) : undefined;
        break;
      case 'mean':
        v = s.n > 0 ? s.sum / s.n : undefined;
        break;
      case 'min':
        v = s.n > 0 ? s.min : undefined;
        break;
      case 'max':
        v = s.n > 0 ? s.max : undefined;
        break;
      case 'p95':
        if (!this.p95Valid) {
          this.p95Cache = s.samples.length ? percentileSorted([...s.samples].sort((a, b) => a - b), 95) : undefined;
          this.p95Valid = true;
        }
        v = this.p95Cache;
        break;
      case 'age':
        v = s.last === undefined ? undefined : Math.max(0, (at - s.last) / SECOND);
        break;
    }
    return v === undefined ? undefined : roundMilli(Math.max(0, v));
  }

  toJSON(): AccState {
    return { ...this.s, samples: [...this.s.samples] };
  }

  static fromJSON(raw: unknown): Accumulator | undefined {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const o = raw as Record<string, unknown>;
    const num = (k: string, d: number): number => (typeof o[k] === 'number' ? (o[k] as number) : d);
    const samples = Array.isArray(o.samples) ? (o.samples as unknown[]).filter((x): x is number => typeof x === 'number') : [];
    return new Accumulator({
      observed: o.observed === true, suspect: o.suspect === true, n: num('n', 0), sum: num('sum', 0),
      // JSON turns Infinity into null.
      min: num('min', Infinity), max: num('max', -Infinity),
      last: typeof o.last === 'number' ? o.last : undefined, samples: samples.slice(0, MAX_SAMPLES), seen: num('seen', samples.length),
    });
  }
}

/** A closed interval of one resource and metric. */
export interface ClosedInterval {
  /** ms since the epoch. */
  readonly start: number;
  /** seconds. */
  readonly duration: number;
  readonly value?: number;
  readonly suspect: boolean;
}

/**
 * The 24-hour value: the closed intervals that started in the 24 hours before `before` (the start of the
 * current interval), aggregated by the metric's day rule over the intervals that have a value.
 * suspect when any of those intervals is suspect. Both undefined when no interval falls in the window.
 */
export function dayAggregate(rule: DayRule, intervals: readonly ClosedInterval[], before: number): { value?: number; suspect?: boolean } {
  const inWindow = intervals.filter((i) => i.start >= before - DAY_MS && i.start < before);
  if (!inWindow.length) return {};
  const suspect = inWindow.some((i) => i.suspect);
  const valued = inWindow.filter((i): i is ClosedInterval & { value: number } => i.value !== undefined);
  if (!valued.length) return { suspect };
  let v: number;
  switch (rule) {
    case 'sum': v = valued.reduce((a, i) => a + i.value, 0); break;
    case 'mean': v = valued.reduce((a, i) => a + i.value, 0) / valued.length; break;
    case 'weightedMean': {
      const secs = valued.reduce((a, i) => a + i.duration, 0);
      v = secs > 0 ? valued.reduce((a, i) => a + i.value * i.duration, 0) / secs : valued.reduce((a, i) => a + i.value, 0) / valued.length;
      break;
    }
    case 'min': v = Math.min(...valued.map((i) => i.value)); break;
    case 'max': v = Math.max(...valued.map((i) => i.value)); break;
  }
  return { value: roundMilli(v), suspect };
}

/**
 * The aligned intervals wholly inside [from, to) (from is rounded up to a boundary): the intervals during
 * which nothing was measured (bridge down, job locked). At most `max` of them, the latest.
 */
export function gapIntervals(from: number, to: number, granularitySec: number, max = MAX_HISTORY): number[] {
  const g = granularitySec * SECOND;
  const out: number[] = [];
  let t = ceilBoundary(from, granularitySec);
  const lastStart = to - g;
  if (lastStart < t) return out;
  const count = Math.floor((lastStart - t) / g) + 1;
  if (count > max) t += (count - max) * g;
  for (; t <= lastStart; t += g) out.push(t);
  return out;
}
