/**
 * Missed proposals of each validator, from its missedSlots counter in the live tree: each growth of the
 * counter is one missedProposal event per missed slot (a YANG notification and a log record), and the
 * position where it was seen (the beacon network's slot, else the best height) is kept so that the
 * missedProposal alarm counts the misses within the consensus window (windowSize slots or blocks).
 *
 * The last counter value and the positions are kept in the detectors' persistent memo, so a restart of
 * the bridge neither sends an event twice nor forgets a miss still in the window. The first value seen
 * for a validator is the baseline: misses counted before the bridge followed it are not news.
 */
import type { Instance, Value } from '../state/tree';
import type { MissedProposals, Scope } from './consensus-detectors';
import { num } from './consensus-detectors';

/** Default consensus windowSize (model: consensus.windowSize). */
const DEFAULT_WINDOW = 100;
/** Positions kept per validator (a validator missing every slot of a 10000-slot window). */
const MAX_POSITIONS = 10000;

export interface MissedMemo {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  /** Writes several entries at once (one transaction); absent: set() each. */
  setMany?(entries: ReadonlyMap<string, string>): void;
}

/** Sends one model event (bridge 'event'): name and parameters of an EventType of the model. */
export type EventSink = (name: string, params: Readonly<Record<string, Value | undefined>>) => void;

interface Missed { count: number; at: number[] }

const memoKey = (res: string): string => `missed:${res}`;

/** The position of a network on its consensus clock: the beacon slot, else the height of its first ledger. */
export function consensusPosition(net: Instance, cons: Instance | undefined): number | undefined {
  const slot = num(cons?.get('slot'));
  if (slot !== undefined) return slot;
  for (const l of net.list('ledger')) {
    const h = num(l.get('height'));
    if (h !== undefined) return h;
  }
  return undefined;
}

export class MissedProposalTracker implements MissedProposals {
  private readonly state = new Map<string, Missed>();
  /** Memo entries changed by the current pass, written by flush(). */
  private readonly dirty = new Map<string, string>();

  constructor(private readonly memo: MissedMemo, private readonly event: EventSink) {}

  inWindow(s: Scope): { count: number; window: number; position: number } | undefined {
    const v = s.it;
    const count = num(v.get('missedSlots'));
    const position = consensusPosition(s.net, s.cons);
    if (count === undefined || position === undefined) return undefined;
    const window = num(s.cons?.get('windowSize')) ?? DEFAULT_WINDOW;
    const res = v.resource();
    let st = this.load(res);
    let changed = false;
    if (!st) {
      st = { count, at: [] };
      changed = true;
    } else if (count > st.count) {
      for (let n = st.count + 1; n <= count; n++) {
        this.event('missedProposal', { network: s.network, validator: String(v.keys[0]), missedSlots: BigInt(n), slot: BigInt(position) });
        st.at.push(position);
      }
      if (st.at.length > MAX_POSITIONS) st.at.splice(0, st.at.length - MAX_POSITIONS);
      st.count = count;
      changed = true;
    } else if (count < st.count) {
      st.count = count; // the counter started again (a new chain, or the adapter lost its memory)
      changed = true;
    }
    // Positions that left the window are dropped here and again when loaded: that alone is not worth a write.
    st.at = st.at.filter((p) => p > position - window && p <= position);
    this.state.set(res, st);
    if (changed) this.dirty.set(memoKey(res), JSON.stringify(st));
    return { count: st.at.length, window, position };
  }

  /** Writes what the pass changed, in one go. */
  flush(): void {
    if (!this.dirty.size) return;
    if (this.memo.setMany) this.memo.setMany(this.dirty);
    else for (const [k, v] of this.dirty) this.memo.set(k, v);
    this.dirty.clear();
  }

  /** Forgets the validators under a resource (removed from the tree). */
  forget(under: (res: string) => boolean): void {
    for (const res of [...this.state.keys()]) {
      if (!under(res)) continue;
      this.state.delete(res);
      this.dirty.delete(memoKey(res));
      this.memo.delete(memoKey(res));
    }
  }

  private load(res: string): Missed | undefined {
    const m = this.state.get(res);
    if (m) return m;
    const saved = this.memo.get(memoKey(res));
    if (saved === undefined) return undefined;
    try {
      const v = JSON.parse(saved) as Missed;
      if (typeof v.count === 'number' && Array.isArray(v.at)) return { count: v.count, at: v.at.filter((x) => typeof x === 'number') };
    } catch { /* unreadable: start again */ }
    return undefined;
  }
}
