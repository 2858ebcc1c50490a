/**
 * Adapter of Ethereum proof-of-stake beacon nodes: the standard Beacon Node API (REST and server-sent
 * events), implemented by Lighthouse, Prysm, Teku, Nimbus and Lodestar. A poll is poll.ts; the
 * configured validators' accounting is validator-book.ts; new heads, blocks, finalized checkpoints and
 * reorganisations arrive over /eth/v1/events and trigger a poll at once (events.ts).
 *
 * Heights are slots: a block summary's height is its slot, its hash the block root, its producer the
 * proposer's validator index. blocks(from, to) returns the slots of the range that have a block.
 */
import type { AdapterFactory, AdapterOptions, AdapterStats, BlockSummary, ChainAdapter, NodeActionName, NodeObservation, Scalar } from '../adapter';
import { NotSupportedError } from '../errors';
import { BeaconHttp } from './api';
import { readSpec } from './chain';
import { subscribeEvents } from './events';
import { BeaconPoller } from './poll';
import { ValidatorBook } from './validator-book';

const MAX_BLOCKS = 64;

export class BeaconAdapter implements ChainAdapter {
  readonly platform = 'beacon' as const;
  readonly api: BeaconHttp;
  readonly poller: BeaconPoller;
  /** Events received over the stream, by topic (for tests and diagnostics). */
  readonly events = new Map<string, number>();

  constructor(opts: AdapterOptions) {
    this.api = new BeaconHttp({ url: opts.endpoint, timeoutMs: opts.timeoutMs });
    this.poller = new BeaconPoller(this.api, new ValidatorBook(opts.validators ?? [], opts.memory));
  }

  poll(): Promise<NodeObservation> { return this.poller.poll(); }

  async blocks(from: number, to: number): Promise<BlockSummary[]> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to - from >= MAX_BLOCKS) {
      throw new RangeError(`blocks(${from}, ${to}): need 0 <= from <= to and to - from < ${MAX_BLOCKS}`);
    }
    this.poller.spec ??= await readSpec(this.api);
    const spec = this.poller.spec;
    const got = await Promise.all(Array.from({ length: to - from + 1 }, (_, i) => this.poller.headers.at(from + i, spec)));
    return got.filter((b): b is BlockSummary => b !== null);
  }

  subscribeHeads(onHead: (b: BlockSummary) => void, onError: (e: Error) => void): () => void {
    return subscribeEvents(this.api, (e) => {
      this.events.set(e.event, (this.events.get(e.event) ?? 0) + 1);
      if (e.event !== 'head' && e.event !== 'chain_reorg' && e.event !== 'finalized_checkpoint') return;
      let d: { slot?: string; block?: string; new_head_block?: string } = {};
      try { d = JSON.parse(e.data) as typeof d; } catch { return; }
      const slot = Number(d.slot ?? 0);
      const spec = this.poller.spec;
      onHead({ height: Number.isSafeInteger(slot) ? slot : 0, hash: String(d.block ?? d.new_head_block ?? ''), parentHash: '',
        time: spec ? spec.genesisTime + slot * spec.secondsPerSlot : 0, txCount: 0 });
    }, onError);
  }

  action(name: NodeActionName, _input: Readonly<Record<string, Scalar>>): Promise<void> {
    return Promise.reject(new NotSupportedError(`${name}: the Beacon Node API has no such operation`));
  }

  stats(): AdapterStats {
    return { calls: this.api.stats.calls, errors: this.api.stats.errors, lastLatencyMs: this.api.stats.lastLatencyMs };
  }

  close(): Promise<void> {
    this.poller.book.closed = true;
    this.api.close();
    return Promise.resolve();
  }
}

export const createAdapter: AdapterFactory = (opts) => new BeaconAdapter(opts);
