/**
 * Accounting of the configured validators of a beacon network: proposals made and missed, attestations
 * missed (liveness per epoch), consecutive offline epochs. What must not be counted twice (the last slot
 * and epoch judged, the counters, the current epoch's proposer duties) is kept in the adapter's memory
 * and read back at start, so a restart of the bridge continues where it stopped.
 *
 * A slot is judged once: when it has a block, its proposer (one of ours) made a proposal; when it has
 * none, the validator whose duty it was (one of ours) missed it. Duties are known for the current epoch
 * only (Lodestar 1.5.1 answers next-epoch requests with wrong slots and refuses past ones), so they are
 * fetched during the epoch and remembered; a slot of an epoch whose duties were never read (the bridge
 * was down all of it) counts no missed proposal.
 */
import type { AdapterMemory, Values } from '../adapter';

export interface ValidatorCounters {
  proposed: number;
  lastProposedSlot?: number;
  missedSlots: number;
  missedAttestations: number;
  offlineEpochs: number;
}

export interface ValidatorState {
  index?: number;
  pubkey?: string;
  status?: string;
  balance?: bigint;
  effectiveBalance?: bigint;
}

interface Saved {
  judgedSlot?: number;
  livenessEpoch?: number;
  duties?: { epoch: number; slots: [number, number][] }[];
  counters?: Record<string, ValidatorCounters>;
}

/** Row id of a configured validator: the index as given, or "0x" and the first 48 hex digits of a public key (an SNMP index holds 64 characters). */
export function validatorRowId(configured: string): string {
  return /^0x/.test(configured) ? configured.slice(0, 50) : configured;
}

/** Beacon API status (snake_case) → model enumeration label (camelCase). */
export function statusLabel(s: string): string | undefined {
  const known = ['pending_initialized', 'pending_queued', 'active_ongoing', 'active_exiting', 'active_slashed',
    'exited_unslashed', 'exited_slashed', 'withdrawal_possible', 'withdrawal_done'];
  return known.includes(s) ? s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) : undefined;
}

export class ValidatorBook {
  readonly ids: readonly string[];
  readonly state = new Map<string, ValidatorState>();
  readonly counters = new Map<string, ValidatorCounters>();
  judgedSlot: number | undefined;
  livenessEpoch: number | undefined;
  /** false once the node turned out to have no liveness API: missed attestations are then not known. */
  livenessKnown = true;
  /**
   * Proposer of each slot (validator index) of the last two epochs whose duties were read: a slot at the
   * end of an epoch may be judged after the next epoch's duties were read.
   */
  readonly duties = new Map<number, Map<number, number>>();
  private dirty = false;
  /**
   * Set when the adapter closes: a poll still in flight then saves nothing, so the adapter that replaces
   * this one (a configuration change) continues from what was saved before, never from a half-written poll.
   */
  closed = false;

  constructor(ids: readonly string[], private readonly memory?: AdapterMemory) {
    this.ids = ids;
    let saved: Saved = {};
    try { saved = JSON.parse(memory?.load() ?? '{}') as Saved; } catch { saved = {}; }
    this.judgedSlot = typeof saved.judgedSlot === 'number' ? saved.judgedSlot : undefined;
    this.livenessEpoch = typeof saved.livenessEpoch === 'number' ? saved.livenessEpoch : undefined;
    for (const d of Array.isArray(saved.duties) ? saved.duties : []) if (Array.isArray(d.slots)) this.duties.set(d.epoch, new Map(d.slots));
    for (const id of ids) {
      const c = saved.counters?.[id];
      this.counters.set(id, {
        proposed: c?.proposed ?? 0, lastProposedSlot: c?.lastProposedSlot, missedSlots: c?.missedSlots ?? 0,
        missedAttestations: c?.missedAttestations ?? 0, offlineEpochs: c?.offlineEpochs ?? 0,
      });
      this.state.set(id, /^\d+$/.test(id) ? { index: Number(id) } : { pubkey: id });
    }
  }

  /** The configured id of a validator index, when it is one of ours (its index known from a validator query). */
  idOfIndex(index: number): string | undefined {
    for (const [id, s] of this.state) if (s.index === index) return id;
    return undefined;
  }

  /** Indices of our validators whose status is active (liveness is asked for these only). */
  activeIndices(): number[] {
    const out: number[] = [];
    for (const s of this.state.values()) if (s.index !== undefined && s.status?.startsWith('active')) out.push(s.index);
    return out;
  }

  setDuties(epoch: number, slots: readonly [number, number][]): void {
    this.duties.set(epoch, new Map(slots));
    for (const e of this.duties.keys()) if (e < epoch - 1) this.duties.delete(e);
    this.dirty = true;
  }

  /** Judges one slot (once): proposer of its block, or undefined when the slot has no block. */
  judge(slot: number, proposer: number | undefined, slotsPerEpoch: number): void {
    if (this.judgedSlot !== undefined && slot <= this.judgedSlot) return;
    this.judgedSlot = slot;
    this.dirty = true;
    if (slot === 0) return; // the genesis block: nobody's proposal, nobody's duty
    if (proposer !== undefined) {
      const id = this.idOfIndex(proposer);
      if (id === undefined) return;
      const c = this.counters.get(id)!;
      c.proposed++;
      c.lastProposedSlot = slot;
      return;
    }
    const duty = this.duties.get(Math.floor(slot / slotsPerEpoch))?.get(slot);
    const id = duty === undefined ? undefined : this.idOfIndex(duty);
    if (id !== undefined) this.counters.get(id)!.missedSlots++;
  }

  /** Records the liveness of an epoch (once per epoch): the validators not live missed their attestation. */
  liveness(epoch: number, live: ReadonlyMap<number, boolean>): void {
    if (this.livenessEpoch !== undefined && epoch <= this.livenessEpoch) return;
    this.livenessEpoch = epoch;
    this.dirty = true;
    for (const [index, isLive] of live) {
      const id = this.idOfIndex(index);
      if (id === undefined) continue;
      const c = this.counters.get(id)!;
      if (isLive) c.offlineEpochs = 0;
      else { c.missedAttestations++; c.offlineEpochs++; }
    }
  }

  /** Writes what changed to the memory (one write per poll at most). */
  flush(): void {
    if (!this.dirty || !this.memory || this.closed) return;
    this.dirty = false;
    const saved: Saved = {
      judgedSlot: this.judgedSlot, livenessEpoch: this.livenessEpoch,
      duties: [...this.duties].map(([epoch, m]) => ({ epoch, slots: [...m] })),
      counters: Object.fromEntries(this.counters),
    };
    this.memory.save(JSON.stringify(saved));
  }

  /** The validator table rows (values of class validator, keyed by the configured id). */
  rows(genesisTime: number, secondsPerSlot: number): { id: string; values: Values }[] {
    return this.ids.map((id) => {
      const s = this.state.get(id)!;
      const c = this.counters.get(id)!;
      const status = s.status === undefined ? undefined : statusLabel(s.status);
      return {
        id: validatorRowId(id),
        values: {
          type: 'validator', index: s.index, publicKey: s.pubkey, status, balance: s.balance, effectiveBalance: s.effectiveBalance,
          active: s.status === undefined ? undefined : s.status.startsWith('active'),
          proposedBlocks: c.proposed,
          lastProposedHeight: c.lastProposedSlot === undefined ? undefined : BigInt(c.lastProposedSlot),
          lastProposedTime: c.lastProposedSlot === undefined ? undefined : (genesisTime + c.lastProposedSlot * secondsPerSlot) * 1000,
          missedSlots: BigInt(c.missedSlots),
          missedAttestations: this.livenessKnown ? BigInt(c.missedAttestations) : undefined,
          offlineEpochs: this.livenessKnown ? c.offlineEpochs : undefined,
        },
      };
    });
  }
}
