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
  /** Heads being fetched by a poll, by hash (at most one per node polling at once). */
  private readonly inFlight = new Map<string, Promise<BlockSummary>>();

  constructor(private readonly capacity = BLOCK_CACHE_SIZE) {}

  get size(): number { return this.byHash.size; }

  /** The cached block with this hash (KnownBlocks of the adapters' polls). */
  get(hash: string): BlockSummary | undefined { return this.byHash.get(hash); }

  /** KnownBlocks.share: concurrent polls that meet the same new head fetch it once for the network. */
  share(hash: string, fetch: () => Promise<BlockSummary>): Promise<BlockSummary> {
    const known = this.byHash.get(hash);
    if (known) return Promise.resolve(known);
    const pending = this.inFlight.get(hash);
    if (pending) return pending.catch(() => fetch());
    const p = fetch().then((b) => { this.add(b); return b; }).finally(() => this.inFlight.delete(hash));
    this.inFlight.set(hash, p);
    return p;
  }

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
    const out = this.cachedTop(head, from, to);
    return out.length === top - from + 1 ? out : undefined;
  }

  /** The blocks of from..to (of the chain ending at head) that are cached from the top down without a gap, in height order. */
  private cachedTop(head: BlockSummary, from: number, to: number): BlockSummary[] {
    const top = Math.min(to, head.height);
    const out: BlockSummary[] = [];
    let b: BlockSummary | undefined = head;
    while (b && b.height > top) b = this.byHash.get(b.parentHash);
    while (b && b.height >= from) {
      out.push(b);
      if (b.height === from) break;
      const parent: BlockSummary | undefined = this.byHash.get(b.parentHash);
      if (parent && parent.height !== b.height - 1) break;
      b = parent;
    }
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
        // The top of the range cached (heads the polls reported): only the blocks below it from the node.
        const top = this.cachedTop(head, from, to);
        if (top.length) {
          const below = await node.blocks(from, top[0].height - 1);
          for (const b of below) this.add(b);
          if (below.length === top[0].height - from && below[below.length - 1].hash === top[0].parentHash) return [...below, ...top];
        }
        const got = await node.blocks(from, to);
        for (const b of got) this.add(b);
        return got;
      },
    };
  }
}
