/**
 * The chain each node of a network follows, tracked per node to count the node's own reorganisations:
 * a node that is not the best one (a partitioned node rejoining the network) replaces blocks of its
 * branch without the ledger's tracker, which follows the best node only, ever seeing them.
 *
 * Each node has a LedgerTracker fed with the node's head at every successful poll. Its blocks come
 * through the network's BlockCache, so a node on the same chain as the others costs no RPC call; a node
 * on a branch of its own is asked for its blocks (bounded per cycle like the ledger's tracker). A node
 * more than MAX_BLOCKS_PER_CYCLE blocks ahead of its last head (catching up) is asked for one block only:
 * the one at its old head's height, to tell a catch-up from a reorganisation.
 */
import type { BlockSummary } from '../chains/adapter';
import type { BlockCache } from './block-cache';
import { LedgerTracker, MAX_BLOCKS_PER_CYCLE } from './ledger-tracker';
import type { BlockSource } from './ledger-tracker';

/** What the node ledger state shows of a node's reorganisations (model nodeLedgerState). */
export interface NodeReorgs {
  readonly reorgCount: bigint;
  readonly lastReorgTime?: number;
  readonly lastReorgDepth?: number;
}

interface Branch { readonly tracker: LedgerTracker; busy: boolean }

export class NodeBranches {
  private readonly branches = new Map<string, Branch>();

  constructor(private readonly cache: BlockCache) {}

  /**
   * Brings the node's tracker to the head it reported; resolves true when this counted a reorganisation.
   * A call while the node's previous one still runs does nothing (the next poll catches up).
   */
  async follow(node: string, adapter: BlockSource, head: BlockSummary): Promise<boolean> {
    let b = this.branches.get(node);
    if (!b) {
      // No producer window: consensus accounting is the ledger tracker's.
      b = { tracker: new LedgerTracker(0, { block: () => undefined, reorg: () => undefined }), busy: false };
      this.branches.set(node, b);
    }
    if (b.busy) return false;
    b.busy = true;
    const t = b.tracker;
    const before = t.reorgCount;
    const source = this.cache.source(adapter, head);
    try {
      const last = t.lastHeight;
      if (last !== undefined && head.height - last > MAX_BLOCKS_PER_CYCLE) {
        // A node catching up (syncing): not block by block. Its old head still on its chain: no reorganisation.
        const [old] = await source.blocks(last, last);
        if (old !== undefined && old.hash === t.headHash) { t.restart(head); return false; }
      }
      await t.advance(source, head);
    } finally {
      b.busy = false;
    }
    return b.tracker.reorgCount !== before;
  }

  /** The node's reorganisations since the bridge started; undefined before its first head. */
  reorgs(node: string): NodeReorgs | undefined {
    const t = this.branches.get(node)?.tracker;
    if (!t || t.lastHeight === undefined) return undefined;
    return { reorgCount: t.reorgCount, lastReorgTime: t.lastReorg?.time, lastReorgDepth: t.lastReorg?.depth };
  }

  forget(node: string): void {
    this.branches.delete(node);
  }
}
