/** The embedded dev chain: quick quiet start on loopback, 1 s blocks, workload with reverts, mining control over RPC. */
import { expect } from 'chai';
import * as net from 'node:net';
import WebSocket from 'ws';
import { TransportError } from '../src/chains/errors';
import type { RpcHttpClient } from '../src/chains/rpc-http';
import { DevChain, WORKLOAD_SELECTORS, startDevChain } from '../src/devchain';
import { blockNumber, directClient, sleep, waitFor } from './support/devchain';

interface Receipt { status: string; to: string | null; contractAddress: string | null; logs: unknown[] }
interface Tx { hash: string; to: string | null; input: string }

describe('embedded dev chain', function () {
  this.timeout(30_000);
  let chain: DevChain;
  let c: RpcHttpClient;
  let startupMs = 0;
  const output: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };

  before(async () => {
    // Anything the chain prints while starting is noise.
    process.stdout.write = ((s: string | Uint8Array) => { output.push(String(s)); return true; }) as typeof process.stdout.write;
    process.stderr.write = ((s: string | Uint8Array) => { output.push(String(s)); return true; }) as typeof process.stderr.write;
    const t0 = Date.now();
    try {
      chain = await startDevChain({ blockIntervalMs: 1000 });
    } finally {
      startupMs = Date.now() - t0;
      process.stdout.write = writes.out;
      process.stderr.write = writes.err;
    }
    c = directClient(chain.url);
  });
  after(async () => {
    c?.close();
    await chain?.stop();
  });

  it('starts in under 5 s, silently, on the loopback interface', async () => {
    expect(startupMs).to.be.below(5000);
    expect(output).to.deep.equal([]);
    expect(chain.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(chain.wsUrl).to.equal(chain.url.replace('http:', 'ws:'));
    expect(chain.chainId).to.equal(1337);
    expect(await c.call('eth_chainId')).to.equal('0x539');
    expect(chain.accounts).to.have.length(5);
    for (const a of chain.accounts) {
      expect(BigInt(await c.call<string>('eth_getBalance', [a.address, 'latest'])) > 10n ** 21n).to.equal(true);
    }
    expect((await c.call<string[]>('eth_accounts')).map((x) => x.toLowerCase())).to.deep.equal(chain.accounts.map((a) => a.address));
  });

  it('mines a block about every second', async () => {
    const h0 = await blockNumber(c);
    await sleep(3200);
    const h1 = await blockNumber(c);
    expect(h1 - h0).to.be.within(2, 4);
    expect(await c.call('eth_mining')).to.equal(true);
  });

  it('runs a workload of transfers and contract calls, some of them reverted', async () => {
    const contract = chain.workload.contractAddress!;
    expect(contract).to.match(/^0x[0-9a-f]{40}$/);
    expect((await c.call<string>('eth_getCode', [contract, 'latest'])).length).to.be.greaterThan(10);
    const seen = await waitFor('a transfer, a successful and a reverted contract call', async () => {
      const head = await blockNumber(c);
      let transfers = 0; let ok = 0; let reverted = 0; let events = 0;
      for (let h = 1; h <= head; h++) {
        const b = await c.call<{ transactions: Tx[] }>('eth_getBlockByNumber', ['0x' + h.toString(16), true]);
        for (const tx of b.transactions) {
          const r = await c.call<Receipt>('eth_getTransactionReceipt', [tx.hash]);
          if (tx.to === contract) {
            if (r.status === '0x1') { ok++; events += r.logs.length; } else reverted++;
            expect(tx.input.slice(0, 10)).to.be.oneOf([WORKLOAD_SELECTORS['record(uint256)'], WORKLOAD_SELECTORS['fail()']]);
          } else if (tx.to !== null && tx.input === '0x' && r.status === '0x1') transfers++;
        }
      }
      return transfers > 0 && ok > 0 && reverted > 0 && events > 0 ? { transfers, ok, reverted } : undefined;
    }, 10_000, 500);
    expect(seen.reverted).to.be.greaterThan(0);
    const stats = chain.workload.stats();
    expect(stats.revertingCalls).to.be.greaterThan(0);
    expect(stats.sendErrors).to.equal(0);
  });

  it('stops and restarts block production through miner_stop / miner_start', async () => {
    expect(await c.call('miner_stop')).to.equal(null);
    await sleep(300);
    const h0 = await blockNumber(c);
    expect(await c.call('eth_mining')).to.equal(false);
    await sleep(2200);
    expect(await blockNumber(c)).to.equal(h0);
    // The workload's transactions wait in the pool meanwhile.
    const pool = await c.call<{ pending: string; queued: string }>('txpool_status');
    expect(Number(pool.pending)).to.be.greaterThan(0);
    expect(pool.queued).to.equal('0x0');
    expect(await c.call('miner_start')).to.equal(null);
    await waitFor('mining to resume', async () => (await blockNumber(c)) >= h0 + 2, 5000);
    expect(await c.call('eth_mining')).to.equal(true);
    // Hardhat's own interval control is honoured and reflected in eth_mining too.
    await c.call('evm_setIntervalMining', [0]);
    expect(await c.call('eth_mining')).to.equal(false);
    await c.call('evm_setIntervalMining', [1000]);
    expect(await c.call('eth_mining')).to.equal(true);
  });

  it('pauses and resumes the workload', async () => {
    chain.workload.pause();
    expect(chain.workload.running).to.equal(false);
    await sleep(1200); // let the pool drain into a block
    const h = await blockNumber(c);
    await waitFor('an empty block', async () => {
      const b = await c.call<{ transactions: string[] } | null>('eth_getBlockByNumber', ['0x' + (h + 1).toString(16), false]);
      return b !== null;
    }, 5000);
    const b = await c.call<{ transactions: string[] }>('eth_getBlockByNumber', ['0x' + (h + 1).toString(16), false]);
    expect(b.transactions).to.deep.equal([]);
    await chain.workload.resume();
    expect(chain.workload.running).to.equal(true);
    const sent = chain.workload.stats().transfers;
    await waitFor('workload to send again', () => chain.workload.stats().transfers > sent, 3000);
  });

  it('answers eth_subscribe newHeads over WebSocket', async () => {
    const ws = new WebSocket(chain.wsUrl);
    try {
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      const head = await new Promise<{ number: string }>((resolve) => {
        ws.on('message', (d: WebSocket.RawData) => {
          const m = JSON.parse(String(d)) as { method?: string; params?: { result: { number: string } } };
          if (m.method === 'eth_subscription' && m.params) resolve(m.params.result);
        });
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
      });
      expect(Number(BigInt(head.number))).to.be.greaterThan(0);
    } finally {
      ws.terminate();
    }
  });

  it('takes a given port, and frees it on stop()', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    });
    const other = await startDevChain({ port, blockIntervalMs: 0, workload: false, chainId: 4242 });
    const oc = directClient(other.url);
    try {
      expect(other.port).to.equal(port);
      expect(await oc.call('eth_chainId')).to.equal('0x1092');
      expect(await oc.call('eth_mining')).to.equal(false);
      expect(await blockNumber(oc)).to.equal(0); // no workload: no contract deployed
      await other.request('evm_mine');
      expect(await blockNumber(oc)).to.equal(1);
    } finally {
      await other.stop();
    }
    const e = await oc.call('eth_blockNumber').then(() => undefined, (x: unknown) => x);
    oc.close();
    expect(e).to.be.instanceOf(TransportError);
  });

  it('without minerApi behaves as plain Hardhat (no miner_*)', async () => {
    const plain = await startDevChain({ blockIntervalMs: 1000, workload: false, minerApi: false });
    const pc = directClient(plain.url);
    try {
      const e = await pc.call('miner_start').then(() => undefined, (x: unknown) => x);
      expect((e as { code?: number }).code).to.equal(-32004);
      expect(await pc.call('eth_mining')).to.equal(false); // Hardhat's constant answer
    } finally {
      pc.close();
      await plain.stop();
    }
  });
});
