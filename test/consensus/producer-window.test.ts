/**
 * Producers of blocks whose summaries carry none (the Bitcoin family), in the ledger tracker's window:
 * asked once per block of a network (the network's block cache serves the nodes' own trackers, which
 * never ask), and taken back when a reorganisation removes the block, the producer's last block becoming
 * its newest one still in the window. And the coinbase identity of ./src/chains/bitcoin/producer.ts on
 * real coinbase outputs.
 */
import { expect } from 'chai';
import type { BlockSummary } from '../../src/chains/adapter';
import { coinbaseProducer, scriptIdentity } from '../../src/chains/bitcoin/producer';
import { BlockCache } from '../../src/collector/block-cache';
import { LedgerTracker } from '../../src/collector/ledger-tracker';
import type { BlockSource } from '../../src/collector/ledger-tracker';
import { NodeBranches } from '../../src/collector/node-branches';

/** A chain of header-only summaries; producers are answered by blockProducer (counted per hash). */
class HeaderChain {
  blocks: BlockSummary[] = [];
  readonly producerOf = new Map<string, string>();
  readonly asked = new Map<string, number>();
  constructor(n: number, producer: string) { for (let i = 0; i <= n; i++) this.push(producer); }
  push(producer: string, tag = 'a'): BlockSummary {
    const h = this.blocks.length;
    const b: BlockSummary = { height: h, hash: `${tag}${h}`, parentHash: h ? this.blocks[h - 1].hash : '', time: 1000 + h, txCount: 0 };
    this.blocks.push(b);
    this.producerOf.set(b.hash, producer);
    return b;
  }
  fork(at: number, tag: string, producers: readonly string[]): void {
    this.blocks = this.blocks.slice(0, at + 1);
    for (const p of producers) this.push(p, tag);
  }
  get head(): BlockSummary { return this.blocks[this.blocks.length - 1]; }
  source(): BlockSource {
    return {
      blocks: async (from, to) => this.blocks.slice(from, to + 1),
      blockProducer: async (b) => { this.asked.set(b.hash, (this.asked.get(b.hash) ?? 0) + 1); return this.producerOf.get(b.hash); },
    };
  }
}

describe('producer window of blocks without a producer in their summary', () => {
  it('asks each block\'s producer once per network, never for the nodes\' own trackers', async () => {
    const chain = new HeaderChain(100, 'A');
    const cache = new BlockCache();
    const branches = new NodeBranches(cache);
    const t = new LedgerTracker(10, { block: () => undefined, reorg: () => undefined });
    const cycle = async (): Promise<void> => {
      cache.add(chain.head);
      await t.advance(cache.source(chain.source(), chain.head), chain.head);
      for (const n of ['n0', 'n1', 'n2']) await branches.follow(n, chain.source(), chain.head);
    };
    await cycle();
    for (let i = 0; i < 5; i++) chain.push('A');
    for (let i = 0; i < 3; i++) chain.push('B');
    await cycle();
    await cycle(); // same head again: nothing asked
    expect([...chain.asked.values()].every((n) => n === 1), JSON.stringify([...chain.asked])).to.equal(true);
    expect(chain.asked.size).to.equal(9); // the first head and the 8 new blocks
    expect(t.producers.get('A')).to.deep.equal({ count: 6, lastHeight: 105, lastTime: 1105 * 1000 });
    expect(t.producers.get('B')).to.deep.equal({ count: 3, lastHeight: 108, lastTime: 1108 * 1000 });
    expect(t.windowProducer).to.equal('B');
  });

  it('a failed producer look-up leaves the block for the next cycle (no block lost, none counted twice)', async () => {
    const chain = new HeaderChain(10, 'A');
    const t = new LedgerTracker(10, { block: () => undefined, reorg: () => undefined });
    await t.advance(chain.source(), chain.head);
    chain.push('B');
    const failing: BlockSource = { blocks: chain.source().blocks, blockProducer: async () => { throw new Error('connection reset'); } };
    let err: Error | undefined;
    await t.advance(failing, chain.head).catch((e: Error) => { err = e; });
    expect(err?.message).to.equal('connection reset');
    expect(t.lastHeight).to.equal(10);
    await t.advance(chain.source(), chain.head);
    expect(t.producers.get('B')?.count).to.equal(1);
    expect(t.windowBlocks).to.equal(2);
  });

  it('takes a reorganised block back: count, and last height and time from the newest block left', async () => {
    const chain = new HeaderChain(10, 'A');
    const t = new LedgerTracker(20, { block: () => undefined, reorg: () => undefined });
    await t.advance(chain.source(), chain.head);
    chain.push('B'); chain.push('A'); chain.push('B'); // 11 B, 12 A, 13 B
    await t.advance(chain.source(), chain.head);
    expect(t.producers.get('B')).to.deep.equal({ count: 2, lastHeight: 13, lastTime: 1013 * 1000 });
    chain.fork(11, 'x', ['C', 'C', 'C']); // 12 and 13 replaced
    await t.advance(chain.source(), chain.head);
    expect(t.reorgCount).to.equal(1n);
    expect(t.producers.get('B')).to.deep.equal({ count: 1, lastHeight: 11, lastTime: 1011 * 1000 });
    expect(t.producers.get('A')).to.deep.equal({ count: 1, lastHeight: 10, lastTime: 1010 * 1000 });
    expect(t.producers.get('C')?.count).to.equal(3);
    expect(t.windowBlocks).to.equal(5); // 10, 11 and the three of C
  });

  it('records a reorganisation even when the new branch\'s producers cannot be read yet; follows it next cycle', async () => {
    const chain = new HeaderChain(10, 'A');
    const reorgs: number[] = [];
    const t = new LedgerTracker(20, { block: () => undefined, reorg: (r) => reorgs.push(r.removedBlocks ?? 0) });
    await t.advance(chain.source(), chain.head);
    chain.push('B'); chain.push('B');
    await t.advance(chain.source(), chain.head);
    chain.fork(10, 'x', ['C', 'C', 'C']);
    const failing: BlockSource = { blocks: chain.source().blocks, blockProducer: async () => { throw new Error('timed out'); } };
    let err: Error | undefined;
    await t.advance(failing, chain.head).catch((e: Error) => { err = e; });
    expect(err?.message).to.equal('timed out');
    expect(reorgs).to.deep.equal([2]);
    expect(t.producers.has('B')).to.equal(false);
    await t.advance(chain.source(), chain.head);
    expect(reorgs).to.deep.equal([2]);
    expect(t.producers.get('C')).to.deep.equal({ count: 3, lastHeight: 13, lastTime: 1013 * 1000 });
    expect(t.windowProducer).to.equal('C');
  });
});

describe('coinbase producer identity', () => {
  it('is the address of the first output that has one (address, or the single entry of addresses)', () => {
    expect(coinbaseProducer({ vout: [{ scriptPubKey: { hex: '0014aa', address: 'rltc1qaddr' } }] })).to.equal('rltc1qaddr');
    expect(coinbaseProducer({ vout: [{ scriptPubKey: { hex: '6a24aa21a9ed' } }, { scriptPubKey: { hex: '76a914', addresses: ['LaddrOld'] } }] })).to.equal('LaddrOld');
  });

  it('is the output script where no output has an address, the witness commitment (OP_RETURN) last', () => {
    // The Bitcoin genesis coinbase pays to a public key (P2PK): 134 hex digits, identified by its SHA-256.
    const p2pk = '4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac';
    const id = coinbaseProducer({ vout: [{ scriptPubKey: { hex: '6a24aa21a9edffff' } }, { scriptPubKey: { hex: p2pk, type: 'pubkey' } }] });
    expect(id).to.equal(scriptIdentity(p2pk));
    expect(id).to.match(/^sha256:[0-9a-f]{56}$/);
    expect(id!.length).to.be.at.most(64);
    expect(coinbaseProducer({ vout: [{ scriptPubKey: { hex: '51' } }] })).to.equal('51');
    expect(coinbaseProducer({ vout: [{ scriptPubKey: { hex: '6a00' } }] })).to.equal('6a00');
    expect(coinbaseProducer({ vout: [] })).to.equal(undefined);
  });
});
