/**
 * The block hashes of the last `size` heights of a chain, and the transaction count of those a tracker counted:
 * slots indexed by height modulo size in fixed arrays (a height replaces the one `size` below it). A thousand
 * nodes each follow their own chain (./node-branches.ts): two Maps of 256 entries per node were 28 KB, these
 * arrays are 6 KB.
 */
export class HeightRing {
  /** The height each slot holds, -1 when empty. */
  private readonly heights: Float64Array;
  private readonly hashes: (string | undefined)[];
  /** Transactions of the block at the slot's height when it was counted, NaN otherwise. */
  private readonly txs: Float64Array;

  constructor(readonly size: number) {
    this.heights = new Float64Array(size).fill(-1);
    this.hashes = new Array<string | undefined>(size).fill(undefined);
    this.txs = new Float64Array(size).fill(NaN);
  }

  private slot(height: number): number { return height % this.size; }

  hash(height: number): string | undefined {
    const i = this.slot(height);
    return this.heights[i] === height ? this.hashes[i] : undefined;
  }

  has(height: number): boolean { return height >= 0 && this.heights[this.slot(height)] === height; }

  /** Remembers the hash at height (not counted, unless it was and the hash is the same slot's height). */
  setHash(height: number, hash: string): void {
    const i = this.slot(height);
    if (this.heights[i] !== height) { this.heights[i] = height; this.txs[i] = NaN; }
    this.hashes[i] = hash;
  }

  /** The transactions of the counted block at height; undefined when it was not counted. */
  counted(height: number): number | undefined {
    const i = this.slot(height);
    return this.heights[i] === height && !Number.isNaN(this.txs[i]) ? this.txs[i] : undefined;
  }

  /** Marks the block at height (whose hash is set) counted with its transactions. */
  setCounted(height: number, txCount: number): void {
    const i = this.slot(height);
    if (this.heights[i] === height) this.txs[i] = txCount;
  }

  delete(height: number): void {
    const i = this.slot(height);
    if (this.heights[i] !== height) return;
    this.heights[i] = -1;
    this.hashes[i] = undefined;
    this.txs[i] = NaN;
  }

  clear(): void {
    this.heights.fill(-1);
    this.hashes.fill(undefined);
    this.txs.fill(NaN);
  }

  /** The lowest height held; Infinity when none. */
  lowest(): number {
    let min = Infinity;
    for (const h of this.heights) if (h >= 0 && h < min) min = h;
    return min;
  }
}
