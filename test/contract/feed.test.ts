/** The shared per-block activity feed with a scripted collector: order, one fetch per block, each transaction once, losses counted. */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { BlockActivity, ChainAdapter, TxActivity } from '../../src/chains/adapter';
import type { Bridge } from '../../src/bridge';
import { ActivityFeed } from '../../src/contract';
import type { ActivityEvent } from '../../src/contract';
import type { LogEntry } from '../../src/events';
import { until } from '../support/wait';

const h = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
const tx = (n: number): TxActivity => ({ hash: h(n), from: '0x' + '1'.repeat(40), gasUsed: 1n, logs: [] });

class FakeBridge {
  readonly collector = Object.assign(new EventEmitter(), { networks: new Map<string, { best(): { adapter: ChainAdapter } | undefined }>() });
  readonly records: LogEntry[] = [];
  record(e: LogEntry): void { this.records.push(e); }
}

describe('contract management: the shared activity feed', () => {
  it('hands each block over in order, once per block, each transaction once across a reorganisation', async () => {
    const fb = new FakeBridge();
    const blocks = new Map<string, BlockActivity>();
    const calls: string[] = [];
    let failing = false;
    const adapter = {
      platform: 'ethereum',
      blockActivity: async (height: number, hash?: string): Promise<BlockActivity> => {
        calls.push(`${height}`);
        await new Promise((r) => setTimeout(r, 5));
        if (failing) throw new Error('node down');
        return blocks.get(hash!)!;
      },
    } as unknown as ChainAdapter;
    fb.collector.networks.set('n', { best: () => ({ adapter }) });
    const feed = new ActivityFeed(fb as unknown as Bridge);
    const seen: { l: string; e: ActivityEvent }[] = [];
    const off1 = feed.subscribe({ wants: (n) => n === 'n', onBlock: async (e) => { await new Promise((r) => setTimeout(r, 3)); seen.push({ l: 'one', e }); } });
    const off2 = feed.subscribe({ wants: () => true, onBlock: (e) => { seen.push({ l: 'two', e }); } });
    const emit = (height: number, hash: string, txs: number[]): void => {
      blocks.set(hash, { height, hash, time: height, transactions: txs.map(tx) });
      fb.collector.emit('block', { network: 'n', ledger: 'main', block: { height, hash } });
    };
    emit(10, h(1010), [1, 2]);
    emit(11, h(1011), [3, 4]);
    // Reorganisation: a new block 11 that repeats transaction 4, then 12.
    emit(11, h(2011), [4, 5]);
    emit(12, h(2012), [6]);
    fb.collector.emit('block', { network: 'other', ledger: 'main', block: { height: 1, hash: h(1) } }); // nobody's network but two's
    await until('all handed over', () => seen.length === 8);
    await feed.idle();
    expect(seen.map((s) => `${s.l}:${s.e.activity.height}:${s.e.activity.transactions.map((t) => Number(BigInt(t.hash))).join(',')}`)).to.deep.equal([
      'one:10:1,2', 'two:10:1,2', 'one:11:3,4', 'two:11:3,4', 'one:11:5', 'two:11:5', 'one:12:6', 'two:12:6',
    ]);
    expect(calls).to.deep.equal(['10', '11', '11', '12']); // one fetch per block for both listeners; 'other' has no adapter
    // A block that cannot be fetched is counted as lost and reported.
    failing = true;
    emit(13, h(2013), [7]);
    await until('the loss counted', () => feed.lost.get('n') === 1, 5000);
    expect(fb.records.map((r) => r.message).join('\n')).to.match(/block 13 not counted: node down/);
    off1();
    off2();
    expect(fb.collector.listenerCount('block')).to.equal(0);
  });
});
