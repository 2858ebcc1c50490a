/**
 * Follows the best chain of one ledger block by block, from the moment the bridge starts (never a
 * history scan): counts blocks and transactions, detects reorganisations (the hash at a known height
 * changed) and keeps the window of recent block producers for consensus management.
 * Work per cycle is bounded: at most MAX_BLOCKS_PER_CYCLE blocks are fetched; a longer gap is caught up
 * over the following cycles. A tracker with a producer window (windowSize > 0) asks the source for the
 * producer of each block it accepts whose summary has none (Bitcoin family: the coinbase payout), once per
 * block; a failure leaves the block unaccepted, to be tried again next cycle.
 */
import type { BlockSummary, ChainAdapter } from '../chains/adapter';
import { HeightRing } from './height-ring';

/**
 * Where a tracker reads blocks by height (and, where the summaries lack it, each block's producer): a
 * node's adapter, or a cache in front of it (./block-cache.ts).
 */
export type BlockSource = Pick<ChainAdapter, 'blocks' | 'blockProducer'>;

export const MAX_BLOCKS_PER_CYCLE = 32;
/** Heights whose hashes are remembered, i.e. the deepest reorganisation measured exactly. */
export const HASH_WINDOW = 256;

export interface ReorgInfo {
  readonly depth: number;
  readonly oldHead: string;
  readonly newHead: string;
  readonly height: number;
  /** true when no common ancestor was found within HASH_WINDOW: depth is a lower bound. */
  readonly deeperThanWindow: boolean;
  /** Of the blocks replaced, those the tracker had counted (block events) and their transactions (absent: none). */
  readonly removedBlocks?: number;
  readonly removedTransactions?: number;
}

export interface ProducerStats { count: number; lastHeight: number; lastTime: number }

export interface TrackerListener {
  block(b: BlockSummary): void;
  reorg(r: ReorgInfo): void;
}

export class LedgerTracker {
  /** Height of the last block accounted for; undefined until the first head is seen. */
  lastHeight: number | undefined;
  /** Hashes by height within the hash window, with the transactions of the blocks counted (announced as block events). */
  private readonly hashes = new HeightRing(HASH_WINDOW);
  private readonly window: BlockSummary[] = [];
  readonly producers = new Map<string, ProducerStats>();
  /** Slots each validator missed (BlockSummary.missedTurn of the blocks counted), since the bridge started. */
  readonly missedSlots = new Map<string, bigint>();
  /** Heights whose missed slot was counted, within the hash window: a reorg does not count a slot twice. */
  private readonly missedAt = new Set<number>();
  observedBlocks = 0n;
  observedTransactions = 0n;
  reorgCount = 0n;
  lastReorg: (ReorgInfo & { time: number }) | undefined;
  leaderChanges = 0n;
  private lastProducer: string | undefined;

  constructor(public windowSize: number, private readonly listener: TrackerListener) {}

  hashAt(height: number): string | undefined { return this.hashes.hash(height); }
  get headHash(): string | undefined { return this.lastHeight === undefined ? undefined : this.hashes.hash(this.lastHeight); }
  get windowBlocks(): number { return this.window.length; }
  get windowProducer(): string | undefined { return this.window.length ? this.window[this.window.length - 1].producer : undefined; }

  /** Brings the tracker up to the node's head. One call per poll cycle of the best node. */
  async advance(adapter: BlockSource, head: BlockSummary): Promise<void> {
    if (this.lastHeight === undefined) {
      this.accept(await this.withProducer(adapter, head), false);
      return;
    }
    const last = this.lastHeight;
    if (head.height <= last) {
      const known = this.hashes.hash(head.height);
      if (known === head.hash) return; // same chain (possibly a lagging report)
      if (known === undefined) return; // older than the window: nothing to compare
      await this.reorganise(adapter, head);
      return;
    }
    const to = Math.min(head.height, last + MAX_BLOCKS_PER_CYCLE);
    const fetched = to === head.height && to === last + 1 ? [head] : await adapter.blocks(last + 1, to);
    if (!fetched.length) return;
    if (fetched[0].parentHash !== this.hashes.hash(last)) {
      await this.reorganise(adapter, head);
      return;
    }
    const blocks = await this.withProducers(adapter, fetched);
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      const prev = i === 0 ? this.hashes.hash(last) : blocks[i - 1].hash;
      if (b.parentHash !== prev) { await this.reorganise(adapter, head); return; }
      this.accept(b, true);
    }
  }

  /**
   * Starts following again at head, forgetting the blocks known so far (none counted, no reorganisation):
   * for a node far ahead of what was tracked, whose old head is still on its chain (a node catching up).
   */
  restart(head: BlockSummary): void {
    this.hashes.clear();
    while (this.window.length) this.unwindProducer(this.window.pop()!);
    this.lastHeight = undefined;
    this.accept(head, false);
  }

  /** Finds the common ancestor, unwinds to it, then follows the new chain up to the head. */
  private async reorganise(adapter: BlockSource, head: BlockSummary): Promise<void> {
    const oldTop = this.lastHeight!;
    const oldHead = this.hashes.hash(oldTop) ?? '';
    let h = Math.min(oldTop, head.height);
    const lowest = this.hashes.lowest();
    const floor = Math.max(lowest, oldTop - HASH_WINDOW + 1);
    let ancestor: number | undefined;
    while (h >= floor && ancestor === undefined) {
      const from = Math.max(floor, h - 15);
      const got = await adapter.blocks(from, h);
      for (let i = got.length - 1; i >= 0; i--) {
        if (this.hashes.hash(got[i].height) === got[i].hash) { ancestor = got[i].height; break; }
      }
      h = from - 1;
    }
    const deeper = ancestor === undefined;
    const base = ancestor ?? floor - 1;
    let removedBlocks = 0;
    let removedTransactions = 0;
    for (let x = oldTop; x > base; x--) {
      const tx = this.hashes.counted(x);
      if (tx !== undefined) { removedBlocks++; removedTransactions += tx; }
      this.hashes.delete(x);
    }
    // Blocks of the replaced branch are taken back from their producers (count, and last height and time).
    while (this.window.length && this.window[this.window.length - 1].height > base) this.unwindProducer(this.window.pop()!, true);
    this.lastHeight = base >= 0 && this.hashes.has(base) ? base : undefined;
    // The old branch is unwound: the reorganisation is recorded and announced even when reading the new
    // branch fails (that failure is thrown after; the next cycle follows the new branch from the ancestor).
    let followFailure: unknown;
    try {
      if (this.lastHeight === undefined) this.accept(await this.withProducer(adapter, head), false);
      else {
        // Follow the new branch (bounded like any cycle; the rest comes next cycle).
        const to = Math.min(head.height, base + MAX_BLOCKS_PER_CYCLE);
        const blocks = to > base ? await this.withProducers(adapter, await adapter.blocks(base + 1, to)) : [];
        for (const b of blocks) {
          if (b.parentHash !== this.hashes.hash(this.lastHeight!)) break;
          this.accept(b, true);
        }
      }
    } catch (e) {
      followFailure = e;
    }
    const info: ReorgInfo = {
      depth: oldTop - base, oldHead, newHead: this.headHash ?? head.hash, height: this.lastHeight ?? head.height, deeperThanWindow: deeper,
      removedBlocks, removedTransactions,
    };
    this.reorgCount++;
    this.lastReorg = { ...info, time: Date.now() };
    this.listener.reorg(info);
    if (followFailure !== undefined) throw followFailure;
  }

  /** b with its producer, asked of the source when the summary has none and this tracker keeps a window. */
  private async withProducer(src: BlockSource, b: BlockSummary): Promise<BlockSummary> {
    if (b.producer !== undefined || this.windowSize <= 0 || !src.blockProducer) return b;
    const producer = await src.blockProducer(b);
    return producer === undefined ? b : { ...b, producer };
  }

  private withProducers(src: BlockSource, blocks: readonly BlockSummary[]): Promise<BlockSummary[]> {
    return Promise.all(blocks.map((b) => this.withProducer(src, b)));
  }

  private accept(b: BlockSummary, counted: boolean): void {
    // The parent hash is knowledge of the chain too: it lets a reorg of the first block seen find its ancestor.
    if (b.height > 0 && b.parentHash && !this.hashes.has(b.height - 1)) this.hashes.setHash(b.height - 1, b.parentHash);
    this.hashes.setHash(b.height, b.hash); // in the slot of height - HASH_WINDOW, forgotten
    this.lastHeight = b.height;
    if (counted) {
      this.hashes.setCounted(b.height, b.txCount);
      this.observedBlocks++;
      this.observedTransactions += BigInt(b.txCount);
      if (b.missedTurn !== undefined && !this.missedAt.has(b.height)) {
        this.missedAt.add(b.height);
        this.missedSlots.set(b.missedTurn, (this.missedSlots.get(b.missedTurn) ?? 0n) + 1n);
      }
    }
    this.missedAt.delete(b.height - HASH_WINDOW);
    if (b.producer !== undefined) {
      if (this.lastProducer !== undefined && this.lastProducer !== b.producer) this.leaderChanges++;
      this.lastProducer = b.producer;
      this.window.push(b);
      const s = this.producers.get(b.producer) ?? { count: 0, lastHeight: 0, lastTime: 0 };
      s.count++;
      s.lastHeight = b.height;
      s.lastTime = b.time * 1000;
      this.producers.set(b.producer, s);
      while (this.window.length > this.windowSize) this.unwindProducer(this.window.shift()!);
    }
    if (counted) this.listener.block(b);
  }

  /**
   * Takes block b (just removed from the window) back from its producer. Dropping the oldest block never
   * changes a producer's last block; removing the newest (a reorganisation, newest=true) makes the
   * producer's latest block still in the window its last one.
   */
  private unwindProducer(b: BlockSummary, newest = false): void {
    if (b.producer === undefined) return;
    const s = this.producers.get(b.producer);
    if (!s) return;
    s.count--;
    if (s.count <= 0) { this.producers.delete(b.producer); return; }
    if (!newest || s.lastHeight !== b.height) return;
    for (let i = this.window.length - 1; i >= 0; i--) {
      const w = this.window[i];
      if (w.producer === b.producer) { s.lastHeight = w.height; s.lastTime = w.time * 1000; return; }
    }
  }
}
