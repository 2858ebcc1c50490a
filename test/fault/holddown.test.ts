/** The hold-down and hysteresis state machine on its own (no clock, no I/O). */
import { expect } from 'chai';
import { HoldDown, falling, rising } from '../../src/fault/holddown';
import type { Signal, Transition } from '../../src/fault/holddown';

/** Feeds a signal function sampled every stepMs from 0 to durationMs; returns the transitions with their times. */
function run(hd: HoldDown, signal: (t: number) => Signal, durationMs: number, stepMs: number, holdDownMs: number): { t: number; tr: Transition }[] {
  const out: { t: number; tr: Transition }[] = [];
  for (let t = 0; t <= durationMs; t += stepMs) {
    const tr = hd.step(signal(t), t, holdDownMs);
    if (tr) out.push({ t, tr });
  }
  return out;
}

describe('fault: hold-down state machine', () => {
  it('raises and clears at once with a hold-down of 0', () => {
    const hd = new HoldDown();
    expect(hd.step('raise', 0, 0)).to.equal('raise');
    expect(hd.active).to.equal(true);
    expect(hd.step('raise', 1, 0)).to.equal(undefined);
    expect(hd.step('hold', 2, 0)).to.equal(undefined);
    expect(hd.step('clear', 3, 0)).to.equal('clear');
    expect(hd.active).to.equal(false);
    expect(hd.step('clear', 4, 0)).to.equal(undefined);
  });

  it('raises only after the condition held for the hold-down time, and clears the same way', () => {
    const hd = new HoldDown();
    expect(hd.step('raise', 1000, 5000)).to.equal(undefined);
    expect(hd.pending).to.equal(true);
    expect(hd.pendingSince).to.equal(1000);
    expect(hd.step('raise', 5999, 5000)).to.equal(undefined);
    expect(hd.step('raise', 6000, 5000)).to.equal('raise');
    expect(hd.pending).to.equal(false);
    expect(hd.step('clear', 7000, 5000)).to.equal(undefined);
    expect(hd.step('clear', 11999, 5000)).to.equal(undefined);
    expect(hd.step('clear', 12000, 5000)).to.equal('clear');
  });

  it('restarts the wait when the condition is interrupted, by the opposite signal or by hold (unknown, hysteresis band)', () => {
    const hd = new HoldDown();
    hd.step('raise', 0, 3000);
    hd.step('clear', 2000, 3000);
    expect(hd.pending).to.equal(false);
    hd.step('raise', 2500, 3000);
    expect(hd.step('raise', 5000, 3000)).to.equal(undefined);
    hd.step('hold', 5200, 3000);
    hd.step('raise', 5400, 3000);
    expect(hd.step('raise', 8300, 3000)).to.equal(undefined);
    expect(hd.step('raise', 8400, 3000)).to.equal('raise');
  });

  it('never changes state when the condition flaps faster than the hold-down', () => {
    const hd = new HoldDown();
    // Up and down every second, hold-down 3 s, sampled every 100 ms for 10 minutes.
    const tr = run(hd, (t) => (Math.floor(t / 1000) % 2 === 0 ? 'raise' : 'clear'), 600000, 100, 3000);
    expect(tr).to.deep.equal([]);
  });

  it('gives exactly one raise and one clear per period of a slow square wave', () => {
    const hd = new HoldDown();
    // 4 s bad, 4 s good, hold-down 3 s: one pair per 8 s period, each 3 s after the edge.
    const tr = run(hd, (t) => (Math.floor(t / 4000) % 2 === 0 ? 'raise' : 'clear'), 80000 - 1, 100, 3000);
    expect(tr.filter((x) => x.tr === 'raise')).to.have.length(10);
    expect(tr.filter((x) => x.tr === 'clear')).to.have.length(10);
    expect(tr[0]).to.deep.equal({ t: 3000, tr: 'raise' });
    expect(tr[1]).to.deep.equal({ t: 7000, tr: 'clear' });
  });

  it('keeps any two state changes at least the hold-down apart, whatever the input (random signals)', () => {
    let seed = 42;
    const rnd = (): number => { // xorshift32
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const signals: Signal[] = ['raise', 'clear', 'hold'];
    for (const holdDownMs of [1000, 2500, 10000]) {
      const hd = new HoldDown();
      let current: Signal = 'clear';
      const tr = run(hd, () => {
        if (rnd() < 100 / holdDownMs) current = signals[Math.floor(rnd() * 3)];
        return current;
      }, 3600000, 100, holdDownMs);
      expect(tr.length).to.be.greaterThan(10);
      for (let i = 1; i < tr.length; i++) {
        expect(tr[i].t - tr[i - 1].t).to.be.at.least(holdDownMs);
        expect(tr[i].tr).to.not.equal(tr[i - 1].tr);
      }
      // At most one raise/clear pair per hold-down period.
      const raises = tr.filter((x) => x.tr === 'raise').length;
      expect(raises).to.be.at.most(Math.ceil(3600000 / holdDownMs / 2) + 1);
    }
  });

  it('starts active when told so (an alarm restored from the list)', () => {
    const hd = new HoldDown(true);
    expect(hd.step('raise', 0, 0)).to.equal(undefined);
    expect(hd.step('clear', 10, 0)).to.equal('clear');
  });

  it('maps values to signals with hysteresis', () => {
    // Rising: raise at or above 3, clear at or below 1, in between hold.
    expect(rising(3, 3, 1)).to.equal('raise');
    expect(rising(5, 3, 1)).to.equal('raise');
    expect(rising(2, 3, 1)).to.equal('hold');
    expect(rising(1, 3, 1)).to.equal('clear');
    expect(rising(0, 3, 1)).to.equal('clear');
    // Falling (peer count): raise below 2, clear at or above 4.
    expect(falling(1, 2, 4)).to.equal('raise');
    expect(falling(2, 2, 4)).to.equal('hold');
    expect(falling(3, 2, 4)).to.equal('hold');
    expect(falling(4, 2, 4)).to.equal('clear');
    // Inconsistent levels: raise wins.
    expect(rising(4, 3, 5)).to.equal('raise');
  });

  it('hysteresis plus hold-down: a value oscillating inside the band changes nothing', () => {
    const hd = new HoldDown();
    const values = [0, 4, 4, 4, 2, 2, 3, 2, 3, 2, 2, 1, 1, 1, 0];
    const out: (Transition | undefined)[] = values.map((v, i) => hd.step(rising(v, 3, 1), i * 1000, 2000));
    // raise needs 3 consecutive seconds at >= 3 (t=1,2,3 -> at t=3), clear 3 at <= 1 (t=11,12,13 -> at t=13).
    expect(out.map((x, i) => (x ? `${x}@${i}` : '')).filter(Boolean)).to.deep.equal(['raise@3', 'clear@13']);
  });
});
