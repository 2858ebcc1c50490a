/**
 * Recent blocks of one network by hash, shared by the trackers of the network (the ledger's and each
 * node's own, see ./node-branches.ts): the nodes of a network mostly hold the same blocks, so a block one
 * tracker fetched (or a poll reported as a head) serves the others without another RPC call.
 *
 * A node's blocks by height are found by walking back from that node's head through parent hashes:
 * that is the node's own chain whatever other branches the cache holds. Bounded: the oldest entries go.
 */
import type { BlockSummary } from '../chains/adapter';
import type { BlockSource } from './ledger-tracker';

export const BLOCK_CACHE_SIZE = 2048;

export class BlockCache {
  private readonly byHash = new Map<string, BlockSummary>();

  constructor(private readonly capacity = BLOCK_CACHE_SIZE) {}

  get size(): number { return this.byHash.size; }

  /** The cached block with this hash (KnownBlocks of the adapters' polls). */
  get(hash: string): BlockSummary | undefined { return this.byHash.get(hash); }

  add(b: BlockSummary): void {
    if (this.byHash.has(b.hash)) return;
    this.byHash.set(b.hash, b);
    if (this.byHash.size > this.capacity) {
      const oldest = this.byHash.keys().next();
      if (!oldest.done) this.byHash.delete(oldest.value);
    }
  }

  /** Blocks from..to of the chain ending at head, in height order; undefined when a block on the way is not cached. */
  chain(head: BlockSummary, from: number, to: number): BlockSummary[] | undefined {
    const top = Math.min(to, head.height);
    if (from > top) return [];
    const out: BlockSummary[] = [];
    let b: BlockSummary | undefined = head;
    while (b && b.height > top) b = this.byHash.get(b.parentHash);
    while (b && b.height >= from) {
      out.push(b);
      if (b.height === from) break;
      const parent: BlockSummary | undefined = this.byHash.get(b.parentHash);
      if (parent && parent.height !== b.height - 1) return undefined;
      b = parent;
    }
    if (out.length !== top - from + 1) return undefined;
    return out.reverse();
  }

  /** Records the producer found for a cached block, so no tracker of the network asks for it again. */
  private withProducer(b: BlockSummary, producer: string): void {
    const cached = this.byHash.get(b.hash);
    if (cached && cached.producer === undefined) this.byHash.set(b.hash, { ...cached, producer });
  }

  /**
   * The blocks of the node whose head is given: from the cache when the whole range is there, else from
   * the node (and then cached). Producers likewise, where the node's summaries lack them.
   */
  source(node: BlockSource, head: BlockSummary): BlockSource {
    const producerOf = node.blockProducer?.bind(node);
    return {
      blockProducer: producerOf && (async (b: BlockSummary): Promise<string | undefined> => {
        const known = this.byHash.get(b.hash)?.producer;
        if (known !== undefined) return known;
        const p = await producerOf(b);
        if (p !== undefined) this.withProducer(b, p);
        return p;
      }),
      blocks: async (from: number, to: number): Promise<BlockSummary[]> => {
        const cached = this.chain(head, from, to);
        if (cached) return cached;
        const got = await node.blocks(from, to);
        for (const b of got) this.add(b);
        return got;
      },
    };
  }
}
