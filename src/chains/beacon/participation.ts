/**
 * Participation of an epoch from the attestations included in the blocks the bridge follows: for each
 * (slot, committee index) the union of the aggregation bits of every included attestation whose target
 * is the epoch; participation = attesters / active validators (the sum of the epoch's committee sizes).
 * Counted per validator, not weighted by effective balance. An epoch's attestations are included in its
 * own blocks and the next epoch's, so only two epochs are kept: memory is bounded by their committees.
 */

/** Bits of an SSZ bitlist given as "0x" hex: the highest set bit is the length delimiter. */
export function bitlist(hex: string): Uint8Array | undefined {
  const h = hex.replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(h)) return undefined;
  const bytes = Buffer.from(h, 'hex');
  const last = bytes[bytes.length - 1];
  if (last === 0) return undefined; // no delimiter
  const len = (bytes.length - 1) * 8 + (31 - Math.clz32(last));
  const bits = new Uint8Array(len);
  for (let i = 0; i < len; i++) bits[i] = (bytes[i >> 3] >> (i & 7)) & 1;
  return bits;
}

export interface IncludedAttestation {
  readonly aggregation_bits: string;
  readonly data: { readonly slot: string; readonly index: string; readonly target: { readonly epoch: string } };
}

export class Participation {
  /** target epoch → "slot/index" → union of bits */
  private readonly epochs = new Map<number, Map<string, Uint8Array>>();
  /** First slot whose block was read: an epoch is complete only when its inclusions from its first slot were read. */
  firstSlotRead: number | undefined;

  constructor(private readonly slotsPerEpoch: number) {}

  /** Adds the attestations of a block at slot. */
  addBlock(slot: number, attestations: readonly IncludedAttestation[]): void {
    if (this.firstSlotRead === undefined || slot < this.firstSlotRead) this.firstSlotRead = slot;
    const current = Math.floor(slot / this.slotsPerEpoch);
    for (const a of attestations) {
      const target = Number(a.data?.target?.epoch);
      if (!Number.isSafeInteger(target) || target < current - 1 || target > current) continue;
      const bits = bitlist(String(a.aggregation_bits));
      if (!bits) continue;
      let m = this.epochs.get(target);
      if (!m) { m = new Map(); this.epochs.set(target, m); }
      const key = `${a.data.slot}/${a.data.index}`;
      const old = m.get(key);
      if (!old) { m.set(key, bits); continue; }
      for (let i = 0; i < Math.min(old.length, bits.length); i++) old[i] |= bits[i];
    }
    for (const e of this.epochs.keys()) if (e < current - 1) this.epochs.delete(e);
  }

  /** Validators whose attestation for the epoch is included so far. */
  attesters(epoch: number): number {
    let n = 0;
    for (const bits of this.epochs.get(epoch)?.values() ?? []) for (const b of bits) n += b;
    return n;
  }

  /**
   * Percent of `active` validators attesting for the epoch, rounded down; undefined when the blocks
   * from the epoch's first slot on were not all read (the bridge started later) or active is unknown.
   */
  rate(epoch: number, active: number | undefined): number | undefined {
    if (!active || this.firstSlotRead === undefined || this.firstSlotRead > epoch * this.slotsPerEpoch + 1) return undefined;
    return Math.min(100, Math.floor((this.attesters(epoch) * 100) / active));
  }
}
