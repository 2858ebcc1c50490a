/**
 * The forkDetected detector's memory: the valid-fork chain tips of each ledger already seen (so an old fork
 * is not news again) and the latest evidence of a fork or a deep reorganisation, both kept in the detectors'
 * persistent memo so that a restart neither raises an old fork again nor forgets a recent one.
 */
import type { ReorgInfo } from '../collector/ledger-tracker';
import type { Instance, Value } from '../state/tree';
import type { Verdict } from './consensus-detectors';
import { num } from './consensus-detectors';
import type { DetectorMemo } from './detectors';
import type { EffectivePolicy } from './policy';

/** Fork tips remembered per ledger (so that an old fork is not news again). */
const MAX_KNOWN_TIPS = 256;

interface ForkState {
  known: Set<string>;
  order: string[];
  evidence: { time: number; text: string; info: string } | undefined;
  persistedAt?: number;
  baselineUntil: number;
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function short(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 10)}...${hash.slice(-6)}` : hash;
}

export class ForkDetector {
  private readonly forks = new Map<string, ForkState>();

  constructor(private readonly memo: DetectorMemo, private readonly now: () => number) {}

  /** A reorganisation at least as deep as the raise level is evidence (the caller checked the policy is enabled). */
  onReorg(network: string, ledger: string, r: ReorgInfo, p: EffectivePolicy): void {
    if (r.depth < p.raiseLevel) return;
    const res = `network/${network}/ledger/${ledger}`;
    const f = this.fork(res);
    const deeper = r.deeperThanWindow ? ' or more' : '';
    this.setEvidence(res, f, this.now(),
      `reorganisation of ${r.depth}${deeper} blocks on ledger ${ledger} of network ${network}: new head ${short(r.newHead)} at height ${r.height}, old head ${short(r.oldHead)}`,
      `reorganisation depth ${r.depth} blocks >= raise level ${p.raiseLevel}`);
  }

  /** Forgets the ledgers under a removed resource. */
  forget(under: (res: string) => boolean): void {
    for (const k of [...this.forks.keys()]) {
      if (!under(k)) continue;
      this.forks.delete(k);
      this.memo.delete(`forkTips:${k}`);
      this.memo.delete(`forkEvidence:${k}`);
    }
  }

  private fork(res: string): ForkState {
    let f = this.forks.get(res);
    if (f) return f;
    const tips = this.memo.get(`forkTips:${res}`);
    const ev = this.memo.get(`forkEvidence:${res}`);
    const order = tips ? (JSON.parse(tips) as string[]) : [];
    f = {
      known: new Set(order), order,
      evidence: ev ? (JSON.parse(ev) as ForkState['evidence']) : undefined,
      // First time this ledger is seen: the forks it already has are history, not news.
      baselineUntil: tips === undefined ? Number.POSITIVE_INFINITY : 0,
    };
    this.forks.set(res, f);
    return f;
  }

  private setEvidence(res: string, f: ForkState, time: number, text: string, info: string): void {
    const prev = f.evidence;
    f.evidence = { time, text, info };
    // Persisted for restarts; a fork that goes on is refreshed every second, written every 10 s.
    if (!prev || prev.text !== text || time - (f.persistedAt ?? 0) >= 10000) {
      f.persistedAt = time;
      this.memo.set(`forkEvidence:${res}`, JSON.stringify(f.evidence));
    }
  }

  /** The verdict on one ledger: raise while evidence is younger than clearLevel seconds. */
  evaluate(network: string, ledger: Instance, pollMs: number, p: EffectivePolicy): Verdict {
    const res = ledger.resource();
    const lname = String(ledger.keys[0]);
    const now = this.now();
    const f = this.fork(res);
    if (f.baselineUntil === Number.POSITIVE_INFINITY) f.baselineUntil = now + 2 * pollMs;
    const baseline = now < f.baselineUntil;
    let added = false;
    for (const tip of ledger.list('chainTip')) {
      if (tip.get('status') !== 'validFork') continue;
      const hash = str(tip.get('hash'));
      if (!hash) continue;
      const by = str(tip.get('reportedBy'));
      const height = num(tip.get('height')) ?? '?';
      // A node whose head is the fork's tip follows the fork now: evidence for as long as it does.
      const followed = by !== undefined && ledger.child('nodeLedgerState', [by])?.get('headHash') === hash;
      const isNew = !f.known.has(hash);
      if (isNew) {
        f.known.add(hash);
        f.order.push(hash);
        while (f.order.length > MAX_KNOWN_TIPS) f.known.delete(f.order.shift()!);
        added = true;
      }
      if (followed) {
        this.setEvidence(res, f, now,
          `node ${by} follows a fork of ledger ${lname} of network ${network}: its head ${short(hash)} at height ${height} is off the active chain`,
          'a node\'s head is a chain tip with status validFork');
      } else if (isNew && !baseline) {
        // A new branch the nodes know of (getchaintips valid-fork); old ones are history.
        this.setEvidence(res, f, now,
          `valid fork on ledger ${lname} of network ${network}: tip ${short(hash)} at height ${height}` +
          `, ${num(tip.get('branchLength')) ?? '?'} block(s) off the active chain${by ? `, reported by node ${by}` : ''}`,
          'chain tip with status validFork');
      }
    }
    if (added || baseline) this.memo.set(`forkTips:${res}`, JSON.stringify(f.order));
    const windowMs = p.clearLevel * 1000;
    if (f.evidence && now - f.evidence.time <= windowMs) return { signal: 'raise', text: f.evidence.text, thresholdInfo: f.evidence.info };
    return { signal: 'clear', text: `no fork or reorganisation of ${p.raiseLevel} or more blocks on ledger ${lname} for ${p.clearLevel} s` };
  }
}
