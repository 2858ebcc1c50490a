/**
 * Adapter of the Bitcoin family (Bitcoin Core, Litecoin Core) over their JSON-RPC 1.0 interface,
 * authenticated with a user name and password or with the node's cookie file.
 *   poll()    : a constant set of 9 calls in one JSON-RPC batch, and the head's header when the network's
 *               collector does not hold it yet (see ./poll.ts); never a history scan.
 *   blocks()  : getblockhash + getblockheader per height, checked to form one chain.
 *   blockProducer(): the coinbase payout of a new block (./producer.ts), two calls per block.
 *   action()  : see ./actions.ts.
 * No newHeads subscription: Bitcoin Core pushes blocks only over ZMQ, which the bridge does not use.
 */
import type {
  AdapterFactory, AdapterOptions, AdapterStats, BlockSummary, ChainAdapter, KnownBlocks, NodeActionName, NodeObservation, Scalar,
} from '../adapter';
import { MalformedResponseError } from '../errors';
import { runAction } from './actions';
import { headerToSummary } from './convert';
import { pollNode } from './poll';
import { blockProducer } from './producer';
import { BitcoinRpc, settleAll } from './rpc';

/** Largest span blocks() accepts, as the ChainAdapter interface says (to - from < 64). */
export const MAX_BLOCK_SPAN = 64;

export class BitcoinAdapter implements ChainAdapter {
  readonly platform = 'bitcoin' as const;
  private readonly rpc: BitcoinRpc;

  constructor(opts: AdapterOptions) {
    this.rpc = new BitcoinRpc(opts);
  }

  poll(known?: KnownBlocks): Promise<NodeObservation> {
    return pollNode(this.rpc, known);
  }

  async blocks(from: number, to: number): Promise<BlockSummary[]> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to - from >= MAX_BLOCK_SPAN) {
      throw new RangeError(`blocks(${from}, ${to}): need 0 <= from <= to and to - from < ${MAX_BLOCK_SPAN}`);
    }
    return this.rpc.session(async () => {
      // A reorganisation between the calls can mix two branches; fetch again once if the result does not link up.
      const out = await this.fetch(from, to);
      return linked(out) ? out : this.fetch(from, to);
    });
  }

  private async fetch(from: number, to: number): Promise<BlockSummary[]> {
    const heights = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const hashes = await settleAll(heights.map(async (h) => {
      const r = await this.rpc.call('getblockhash', [h]);
      if (typeof r !== 'string' || !/^[0-9a-f]{64}$/i.test(r)) throw new MalformedResponseError('getblockhash: expected a block hash');
      return r;
    }));
    const blocks = await settleAll(hashes.map(async (hash) => headerToSummary(await this.rpc.call('getblockheader', [hash, true]))));
    blocks.forEach((b, i) => {
      if (b.height !== heights[i]) throw new MalformedResponseError(`getblockheader: height ${b.height}, expected ${heights[i]}`);
    });
    return blocks;
  }

  blockProducer(b: BlockSummary): Promise<string | undefined> {
    return this.rpc.session(() => blockProducer(this.rpc, b.hash));
  }

  action(name: NodeActionName, input: Readonly<Record<string, Scalar>>): Promise<void> {
    return runAction(this.rpc, name, input);
  }

  stats(): AdapterStats {
    return this.rpc.stats();
  }

  async close(): Promise<void> {
    this.rpc.close();
  }
}

function linked(blocks: readonly BlockSummary[]): boolean {
  for (let i = 1; i < blocks.length; i++) if (blocks[i].parentHash !== blocks[i - 1].hash) return false;
  return true;
}

export const createAdapter: AdapterFactory = (opts) => new BitcoinAdapter(opts);
