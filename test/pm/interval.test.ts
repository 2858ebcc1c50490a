/** Interval arithmetic of performance management: alignment, accumulators, percentiles, 24-hour values, thresholds. */
import { expect } from 'chai';
import {
  Accumulator, DAY_MS, MAX_SAMPLES, alignStart, ceilBoundary, dayAggregate, gapIntervals, nextBoundary, percentile, roundMilli,
} from '../../src/pm/interval';
import type { ClosedInterval } from '../../src/pm/interval';
import { METRICS, MODEL_METRICS, metricDef, underPrefix } from '../../src/pm/metrics';
import type { MetricDef } from '../../src/pm/metrics';
import { nextCrossed, thresholdInfo, thresholdsOf } from '../../src/pm/thresholds';
import type { ThresholdConfig } from '../../src/pm/thresholds';

const def = (name: string): MetricDef => {
  const d = metricDef(name);
  if (!d) throw new Error(`no metric ${name}`);
  return d;
};

describe('pm interval arithmetic', () => {
  it('aligns interval boundaries to wall-clock multiples of the granularity since the epoch', () => {
    const t = Date.UTC(2026, 4, 17, 10, 7, 31, 250);
    expect(alignStart(t, 900)).to.equal(Date.UTC(2026, 4, 17, 10, 0, 0));
    expect(nextBoundary(t, 900)).to.equal(Date.UTC(2026, 4, 17, 10, 15, 0));
    expect(alignStart(t, 5)).to.equal(Date.UTC(2026, 4, 17, 10, 7, 30));
    expect(nextBoundary(t, 5)).to.equal(Date.UTC(2026, 4, 17, 10, 7, 35));
    expect(alignStart(t, 86400)).to.equal(Date.UTC(2026, 4, 17));
    // A boundary is the start of its interval, not the end of the previous one.
    const b = Date.UTC(2026, 4, 17, 10, 15, 0);
    expect(alignStart(b, 900)).to.equal(b);
    expect(nextBoundary(b, 900)).to.equal(b + 900_000);
    expect(ceilBoundary(b, 900)).to.equal(b);
    expect(ceilBoundary(b + 1, 900)).to.equal(b + 900_000);
    // Granularities that do not divide a day still align to the epoch (7 s: 0, 7, 14, ... since 1970).
    expect(alignStart(t, 7) % 7000).to.equal(0);
    expect(t - alignStart(t, 7)).to.be.within(0, 6999);
  });

  it('lists the whole periods nobody measured, at most the 96 latest', () => {
    const g = 10;
    const base = Date.UTC(2026, 0, 1);
    expect(gapIntervals(base + 3000, base + 40_000, g)).to.deep.equal([base + 10_000, base + 20_000, base + 30_000]);
    expect(gapIntervals(base, base + 10_000, g)).to.deep.equal([base]);
    expect(gapIntervals(base + 1, base + 10_000, g)).to.deep.equal([]);
    const long = gapIntervals(base, base + 1000 * 10_000, g);
    expect(long).to.have.length(96);
    expect(long[95]).to.equal(base + 999 * 10_000);
  });

  it('computes the 95th percentile by nearest rank', () => {
    expect(percentile([], 95)).to.equal(undefined);
    expect(percentile([7], 95)).to.equal(7);
    expect(percentile(Array.from({ length: 20 }, (_, i) => 20 - i), 95)).to.equal(19);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).to.equal(95);
    expect(percentile([1, 2, 3, 1000], 95)).to.equal(1000);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 50)).to.equal(50);
  });

  it('accumulates counts, rates, means, extremes, percentiles and ages; absent without a sample', () => {
    const start = Date.UTC(2026, 0, 1);
    const at = start + 5000;
    const empty = new Accumulator();
    for (const d of METRICS) expect(empty.value(d, start, at), d.name).to.equal(undefined);
    // Counts are 0 once the resource was observed, except byte deltas (absent unless the node reports them).
    const seen = new Accumulator();
    seen.observe();
    expect(seen.value(def('blocks'), start, at)).to.equal(0);
    expect(seen.value(def('tps'), start, at)).to.equal(0);
    expect(seen.value(def('rpcErrors'), start, at)).to.equal(0);
    expect(seen.value(def('bytesIn'), start, at)).to.equal(undefined);
    expect(seen.value(def('peerCountMean'), start, at)).to.equal(undefined);

    const tx = new Accumulator();
    for (const n of [3, 0, 22]) tx.add(n);
    expect(tx.value(def('transactions'), start, at)).to.equal(25);
    expect(tx.value(def('tps'), start, at)).to.equal(5); // 25 / 5 s
    expect(tx.value(def('tps'), start, start + 2000)).to.equal(12.5); // current: elapsed 2 s
    expect(tx.value(def('tps'), start, start + 200)).to.equal(25); // elapsed counts as at least 1 s

    const peers = new Accumulator();
    for (const n of [2, 3, 3, 1]) peers.add(n);
    expect(peers.value(def('peerCountMin'), start, at)).to.equal(1);
    expect(peers.value(def('peerCountMax'), start, at)).to.equal(3);
    expect(peers.value(def('peerCountMean'), start, at)).to.equal(2.25);

    const lat = new Accumulator();
    for (let i = 1; i <= 40; i++) lat.add(i * 1.5, true);
    expect(lat.value(def('rpcLatencyP95'), start, at)).to.equal(57); // rank 38 of 40
    lat.add(1000, true);
    expect(lat.value(def('rpcLatencyP95'), start, at)).to.equal(58.5); // rank 39 of 41: the cache was refreshed
    expect(lat.value(def('rpcLatencyMean'), start, at)).to.equal(roundMilli((1.5 * 820 + 1000) / 41));

    const age = new Accumulator();
    age.setLast(start - 1500);
    age.setLast(start - 9000); // older head: ignored
    expect(age.value(def('headAge'), start, at)).to.equal(6.5);
    age.setLast(at + 2000); // a block stamped in the future is age 0, not negative
    expect(age.value(def('headAge'), start, at)).to.equal(0);
  });

  it('keeps a bounded sample for percentiles and survives a JSON round trip', () => {
    let seed = 1;
    const rnd = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
    const acc = new Accumulator(undefined, rnd);
    for (let i = 0; i < MAX_SAMPLES * 3; i++) acc.add(i % 100, true);
    const state = acc.toJSON();
    expect(state.samples).to.have.length(MAX_SAMPLES);
    expect(state.seen).to.equal(MAX_SAMPLES * 3);
    const p95 = acc.value(def('rpcLatencyP95'), 0, 1000)!;
    expect(p95).to.be.within(93, 96);
    const back = Accumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())));
    expect(back?.value(def('rpcLatencyP95'), 0, 1000)).to.equal(p95);
    expect(back?.value(def('rpcLatencyMean'), 0, 1000)).to.equal(acc.value(def('rpcLatencyMean'), 0, 1000));
    const none = Accumulator.fromJSON(JSON.parse(JSON.stringify(new Accumulator().toJSON())));
    expect(none?.value(def('peerCountMin'), 0, 1000)).to.equal(undefined);
    none?.add(4);
    expect(none?.value(def('peerCountMin'), 0, 1000)).to.equal(4);
    expect(Accumulator.fromJSON('garbage')).to.equal(undefined);
  });

  it('aggregates the last 24 hours: sums, duration-weighted rates, mean of means, extremes, max of p95s', () => {
    const now = Date.UTC(2026, 0, 2);
    const iv = (ago: number, value: number | undefined, suspect = false, duration = 900): ClosedInterval =>
      ({ start: now - ago * 900_000, duration, value, suspect });
    const hist = [iv(1, 10), iv(2, 4), iv(3, undefined, true), iv(4, 1)];
    expect(dayAggregate('sum', hist, now)).to.deep.equal({ value: 15, suspect: true });
    expect(dayAggregate('mean', hist, now)).to.deep.equal({ value: 5, suspect: true });
    expect(dayAggregate('min', hist, now)).to.deep.equal({ value: 1, suspect: true });
    expect(dayAggregate('max', hist, now)).to.deep.equal({ value: 10, suspect: true });
    expect(dayAggregate('sum', hist.slice(0, 2), now)).to.deep.equal({ value: 14, suspect: false });
    // Rates weigh each interval by its length: 2 tps over 900 s and 8 tps over 300 s is 3.5 tps.
    expect(dayAggregate('weightedMean', [iv(1, 2), { start: now - 300_000, duration: 300, value: 8, suspect: true }], now).value).to.equal(3.5);
    // Only intervals that started in the 24 hours before the current interval count.
    const old = { start: now - DAY_MS - 1, duration: 900, value: 1000, suspect: true };
    expect(dayAggregate('sum', [iv(1, 10), old], now)).to.deep.equal({ value: 10, suspect: false });
    expect(dayAggregate('sum', [{ start: now - DAY_MS, duration: 900, value: 3, suspect: false }], now)).to.deep.equal({ value: 3, suspect: false });
    expect(dayAggregate('sum', [], now)).to.deep.equal({});
    expect(dayAggregate('mean', [iv(1, undefined, true)], now)).to.deep.equal({ suspect: true });
    expect(dayAggregate('mean', [iv(1, 1), iv(2, 2), iv(3, 2)], now).value).to.equal(1.667);
  });

  it('covers every metric of the model, each on the class the model says', () => {
    expect(METRICS.map((m) => m.name)).to.deep.equal([...MODEL_METRICS]);
    for (const m of METRICS) {
      const cls = m.name.startsWith('contract') ? 'contract' : ['blocks', 'transactions', 'tps', 'blockIntervalMean', 'blockIntervalMax', 'headAge'].includes(m.name) ? 'ledger' : 'node';
      expect(m.cls, m.name).to.equal(cls);
    }
  });

  it('matches resource prefixes on whole path segments', () => {
    expect(underPrefix('network/dev/node/n1', '')).to.equal(true);
    expect(underPrefix('network/dev/node/n1', 'network/dev')).to.equal(true);
    expect(underPrefix('network/dev/node/n1', 'network/dev/')).to.equal(true);
    expect(underPrefix('network/dev/node/n1', 'network/dev/node/n1')).to.equal(true);
    expect(underPrefix('network/dev2/node/n1', 'network/dev')).to.equal(false);
    expect(underPrefix('network/dev/node/n10', 'network/dev/node/n1')).to.equal(false);
  });
});

describe('pm thresholds', () => {
  const rising: ThresholdConfig = { name: 't', job: 'j', metric: 'tps', resource: '', direction: 'rising', raiseLevel: 5, clearLevel: 2, check: 'current' };
  const falling: ThresholdConfig = { ...rising, metric: 'peerCountMin', direction: 'falling', raiseLevel: 1, clearLevel: 3 };

  it('raises rising thresholds at or above the raise level and clears at or below the clear level', () => {
    const run = (t: ThresholdConfig, values: number[]): boolean[] => {
      let a = false;
      return values.map((v) => (a = nextCrossed(a, v, t)));
    };
    expect(run(rising, [1, 4.999, 5, 3, 2.001, 2, 1, 7.3])).to.deep.equal([false, false, true, true, true, false, false, true]);
    expect(run(falling, [4, 2, 1, 2, 2.999, 3, 0])).to.deep.equal([false, false, true, true, true, false, true]);
    // Equal levels: a value sitting on the level raises once and stays raised (no flapping).
    const equal = { ...rising, raiseLevel: 3, clearLevel: 3 };
    expect(run(equal, [3, 3, 3, 2.9, 3])).to.deep.equal([true, true, true, false, true]);
  });

  it('describes the crossing as X.733 threshold information', () => {
    expect(thresholdInfo(rising, 7.3)).to.equal('tps rising raise 5 clear 2 observed 7.3');
  });

  it('reads thresholds from the configuration with the model defaults', () => {
    const list = thresholdsOf({ performance: { thresholds: [
      { name: 'a', job: 'j', metric: 'blocks', raiseLevel: 3, clearLevel: 1 },
      { name: 'b', job: 'j', metric: 'peerCountMin', direction: 'falling', raiseLevel: 1, clearLevel: 2, check: 'closed', resource: 'network/x' },
    ] } });
    expect(list).to.deep.equal([
      { name: 'a', job: 'j', metric: 'blocks', resource: '', direction: 'rising', raiseLevel: 3, clearLevel: 1, check: 'current' },
      { name: 'b', job: 'j', metric: 'peerCountMin', resource: 'network/x', direction: 'falling', raiseLevel: 1, clearLevel: 2, check: 'closed' },
    ]);
  });
});
