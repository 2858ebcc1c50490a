/**
 * The Ethereum adapter against fake JSON-RPC nodes answering as geth (Clique), Besu (QBFT) and a
 * post-merge client would, and against hostile endpoints (hanging, HTTP 500, malformed JSON, closed
 * socket, junk results): values decoded, missing methods asked once, typed errors, no crash.
 */
import { expect } from 'chai';
import * as http from 'node:http';
import { EthereumAdapter, createAdapter } from '../../src/chains/ethereum';
import { blockSummary, peerValues } from '../../src/chains/ethereum/codec';
import { HttpStatusError, MalformedResponseError, NotSupportedError, TransportError } from '../../src/chains/errors';
import { FakeAnswer, FakeNode, closeServer, fakeNode, listen } from '../support/devchain';

const HASH = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
const ADDR = (n: number): string => '0x' + n.toString(16).padStart(40, '0');
const NODE_ID = (c: string): string => c.repeat(128);

function block(n: number, difficulty: string, miner = ADDR(0)): object {
  return {
    number: '0x' + n.toString(16), hash: HASH(1000 + n), parentHash: HASH(999 + n), timestamp: '0x' + (1_700_000_000 + n * 5).toString(16),
    miner, difficulty, gasUsed: '0x5208', gasLimit: '0x1c9c380', transactions: [HASH(1), HASH(2)].slice(0, n % 3),
  };
}

const ok = (result: unknown) => (): FakeAnswer => ({ result });

function blockByNumber(head: number, difficulty: string, finalized: FakeAnswer, miner?: string) {
  return (p: unknown[]): FakeAnswer => {
    if (p[0] === 'latest') return { result: block(head, difficulty, miner) };
    if (p[0] === 'finalized') return finalized;
    const n = Number(BigInt(String(p[0])));
    return { result: n <= head ? block(n, difficulty, miner) : null };
  };
}

describe('ethereum adapter on geth, Besu and post-merge nodes (fake JSON-RPC)', () => {
  let node: FakeNode | undefined;
  afterEach(async () => { await node?.close(); node = undefined; });

  it('geth with Clique: decodes every value, asks a missing method only once, runs geth actions', async () => {
    node = await fakeNode({
      web3_clientVersion: ok('Geth/v1.13.15-stable-c5ba367e/linux-amd64/go1.21.6'),
      eth_chainId: ok('0x539'),
      net_version: ok('1337'),
      eth_getBlockByNumber: blockByNumber(16, '0x2', { error: { code: -32000, message: 'finalized block not found' } }),
      eth_syncing: ok({ startingBlock: '0x0', currentBlock: '0x10', highestBlock: '0x20' }),
      net_peerCount: ok('0x2'),
      net_listening: ok(true),
      eth_gasPrice: ok('0x3b9aca00'),
      eth_mining: ok(true),
      eth_hashrate: ok('0x0'),
      admin_peers: ok([
        { id: NODE_ID('a'), name: 'Geth/v1.13.14-stable/linux-amd64/go1.21.6', enode: `enode://${NODE_ID('a')}@10.0.0.2:30303`, network: { localAddress: '10.0.0.1:40000', remoteAddress: '10.0.0.2:30303', inbound: false } },
        { id: NODE_ID('b'), name: 'besu/v24.1.0', enode: `enode://${NODE_ID('b')}@10.0.0.3:30303`, network: { localAddress: '10.0.0.1:30303', remoteAddress: '10.0.0.3:51000', inbound: true } },
      ]),
      admin_nodeInfo: ok({ id: NODE_ID('c'), protocols: { eth: { network: 1337, version: 68 } } }),
      txpool_status: ok({ pending: '0x3', queued: '0x1' }),
      clique_getSigners: ok([ADDR(0xa1), ADDR(0xa2)]),
      clique_getSigner: ok(ADDR(0xa1)),
      debug_verbosity: ok(null),
      admin_addPeer: ok(true),
      admin_removePeer: ok(true),
      miner_stop: ok(null),
    });
    const a = createAdapter({ endpoint: node.url, timeoutMs: 2000 }) as EthereumAdapter;
    try {
      const first = await a.poll();
      const c1 = a.stats().calls;
      const second = await a.poll();
      const c2 = a.stats().calls;
      const third = await a.poll();
      const c3 = a.stats().calls;
      expect(c3 - c2).to.equal(c2 - c1);
      // 13 common + clique_getSigners + clique_getSigner (qbft, ibft, eth_protocolVersion: missing), less the four
      // answers that cannot change while the connection is kept (web3_clientVersion, eth_chainId, net_version, admin_nodeInfo)
      expect(c3 - c2).to.equal(11);
      expect(node.count('eth_getBlockByNumber')).to.equal(4); // latest at each poll, finalized at the first only
      for (const m of ['qbft_getValidatorsByBlockNumber', 'ibft_getValidatorsByBlockNumber', 'eth_protocolVersion']) expect(node.count(m), m).to.equal(1);
      for (const m of ['eth_chainId', 'net_version', 'admin_nodeInfo']) expect(node.count(m), m).to.equal(1);
      expect(node.count('web3_clientVersion')).to.equal(1);
      expect(node.count('hardhat_getAutomine')).to.equal(0);
      expect(node.count('clique_getSigners')).to.equal(3);
      expect(node.count('clique_getSigner')).to.equal(2); // from the second poll, once Clique is known
      expect(first.head.producer).to.equal(undefined);
      expect(second.head.producer).to.equal(ADDR(0xa1));

      expect(third.node).to.deep.include({
        clientVersion: 'Geth/v1.13.15-stable-c5ba367e/linux-amd64/go1.21.6', protocolVersion: 'eth/68', networkId: '1337',
        height: 16, syncing: true, peerCount: 2, networkActive: true, blockProduction: true, hashRate: 0, gasPrice: '1000000000',
      });
      expect(third.network).to.deep.equal({ chainId: '1337', consensusAlgorithm: 'clique' });
      expect(third.validators).to.deep.equal({ type: 'sealer', ids: [ADDR(0xa1), ADDR(0xa2)] });
      expect(third.ledger).to.deep.equal({ bestKnownHeight: 32, difficulty: '2' });
      expect(third.txPool).to.deep.equal({ pending: 3, queued: 1 });
      expect(third.consensus).to.deep.equal({});
      expect(third.logControlSupported).to.equal(true);
      expect(third.peers).to.deep.equal([
        { peerId: NODE_ID('a'), address: '10.0.0.2:30303', direction: 'outbound', clientVersion: 'Geth/v1.13.14-stable/linux-amd64/go1.21.6' },
        { peerId: NODE_ID('b'), address: '10.0.0.3:51000', direction: 'inbound', clientVersion: 'besu/v24.1.0' },
      ]);
      expect(third.head).to.deep.include({ height: 16, hash: HASH(1016), parentHash: HASH(1015), time: 1_700_000_080, txCount: 1, difficulty: '2' });

      const blocks = await a.blocks(14, 17);
      expect(blocks.map((b) => [b.height, b.txCount, b.producer])).to.deep.equal([[14, 2, ADDR(0xa1)], [15, 0, ADDR(0xa1)], [16, 1, ADDR(0xa1)]]);

      await a.action('setLogLevel', { level: 'warning' });
      expect(node.lastParams.get('debug_verbosity')).to.deep.equal([2]);
      await a.action('setLogLevel', { level: 'debug' });
      expect(node.lastParams.get('debug_verbosity')).to.deep.equal([4]);
      const enode = `enode://${NODE_ID('d')}@10.0.0.9:30303`;
      await a.action('addPeer', { address: enode });
      expect(node.lastParams.get('admin_addPeer')).to.deep.equal([enode]);
      await a.action('removePeer', { address: enode });
      expect(node.lastParams.get('admin_removePeer')).to.deep.equal([enode]);
      await a.action('stopBlockProduction', {});
      expect(node.count('miner_stop')).to.equal(1);
      for (let i = 0; i < 2; i++) {
        const e = await a.action('startBlockProduction', {}).then(() => undefined, (x: unknown) => x);
        expect(e).to.be.instanceOf(NotSupportedError);
      }
      expect(node.count('miner_start')).to.equal(1);
      expect(node.count('evm_setAutomine')).to.equal(1);
    } finally {
      await a.close();
    }
  });

  it('Besu with QBFT: validators, committed height, Besu pool statistics and log level', async () => {
    const notEnabled = (): FakeAnswer => ({ error: { code: -32604, message: 'Method not enabled' } });
    node = await fakeNode({
      web3_clientVersion: ok('besu/v24.1.0/linux-x86_64/openjdk-java-17'),
      eth_chainId: ok('0x7e6'),
      net_version: ok('2022'),
      eth_getBlockByNumber: blockByNumber(40, '0x1', { error: { code: -32000, message: 'Unknown block' } }, ADDR(0xb2)),
      eth_syncing: ok(false),
      net_peerCount: ok('0x3'),
      net_listening: ok(true),
      eth_gasPrice: ok('0x0'),
      eth_mining: ok(false),
      admin_peers: notEnabled,
      clique_getSigners: notEnabled,
      ibft_getValidatorsByBlockNumber: notEnabled,
      qbft_getValidatorsByBlockNumber: ok([ADDR(0xb1), ADDR(0xb2), ADDR(0xb3), ADDR(0xb4)]),
      txpool_besuStatistics: ok({ maxSize: 4096, localCount: 1, remoteCount: 2 }),
      admin_changeLogLevel: ok(null),
    });
    const a = createAdapter({ endpoint: node.url, timeoutMs: 2000 }) as EthereumAdapter;
    try {
      await a.poll();
      const obs = await a.poll();
      expect(node.count('admin_peers')).to.equal(1); // "Method not enabled" counts as missing
      expect(node.count('clique_getSigners')).to.equal(1);
      expect(node.count('txpool_status')).to.equal(0);
      expect(obs.network).to.deep.equal({ chainId: '2022', consensusAlgorithm: 'qbft' });
      expect(obs.validators).to.deep.equal({ type: 'validator', ids: [ADDR(0xb1), ADDR(0xb2), ADDR(0xb3), ADDR(0xb4)] });
      expect(obs.consensus).to.deep.equal({ committedHeight: 40 });
      expect(obs.txPool).to.deep.equal({ pending: 3 });
      expect(obs.head.producer).to.equal(ADDR(0xb2));
      expect(obs.node).to.deep.include({ syncing: false, peerCount: 3, blockProduction: false, gasPrice: '0' });
      expect(obs.ledger.bestKnownHeight).to.equal(40);
      expect(obs.logControlSupported).to.equal(true);
      await a.action('setLogLevel', { level: 'error' });
      expect(node.lastParams.get('admin_changeLogLevel')).to.deep.equal(['ERROR']);
      expect(node.count('debug_verbosity')).to.equal(0);
    } finally {
      await a.close();
    }
  });

  it('post-merge node: proof of stake, finalized height, no block production API', async () => {
    node = await fakeNode({
      web3_clientVersion: ok('Nethermind/v1.25.4+20b10b35/linux-x64/dotnet8.0.1'),
      eth_chainId: ok('0x1'),
      net_version: ok('1'),
      eth_getBlockByNumber: blockByNumber(20, '0x0', { result: block(12, '0x0') }, ADDR(0xfee)),
      eth_syncing: ok({ isSyncing: false, startingBlock: '0x0', currentBlock: '0x14', highestBlock: '0x14' }),
      net_peerCount: ok('0x32'),
      eth_protocolVersion: ok('0x44'),
    });
    const a = createAdapter({ endpoint: node.url, timeoutMs: 2000 });
    try {
      const obs = await a.poll();
      expect(obs.network).to.deep.equal({ chainId: '1', consensusAlgorithm: 'pos' });
      expect(obs.consensus).to.deep.equal({ committedHeight: 12 });
      expect(obs.node.protocolVersion).to.equal('eth/68');
      expect(obs.node.peerCount).to.equal(50);
      expect(obs.node.syncing).to.equal(false);
      expect(obs.node.blockProduction).to.equal(undefined);
      expect(obs.validators).to.equal(undefined);
      expect(obs.txPool).to.equal(undefined);
      expect(obs.logControlSupported).to.equal(false);
      for (const name of ['startBlockProduction', 'stopBlockProduction', 'setLogLevel'] as const) {
        const e = await a.action(name, { level: 'info' }).then(() => undefined, (x: unknown) => x);
        expect(e, name).to.be.instanceOf(NotSupportedError);
      }
    } finally {
      await a.close();
    }
  });

  it('decodes Nethermind-style peers', () => {
    expect(peerValues({ clientId: 'Geth/v1.13.0', host: '10.1.1.1', port: 30303, enode: `enode://${NODE_ID('e')}@10.1.1.1:30303`, isInbound: true }))
      .to.deep.equal({ peerId: NODE_ID('e'), address: '10.1.1.1:30303', direction: 'inbound', clientVersion: 'Geth/v1.13.0' });
    expect(peerValues({ enode: `enode://${NODE_ID('f')}@10.1.1.2:30303` }))
      .to.deep.equal({ peerId: NODE_ID('f'), address: '10.1.1.2:30303', direction: 'unknown', clientVersion: undefined });
  });
});

type Hostility = 'hang' | 'http500' | 'malformed' | 'close' | 'junk';

/** Answers web3_clientVersion (when spareVersion) and meets every other call with the given hostility. */
async function hostileServer(kind: Hostility, spareVersion: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string };
      if (spareVersion && body.method === 'web3_clientVersion') {
        res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, result: 'Geth/v1.13.15-stable/linux-amd64/go1.21.6' }));
        return;
      }
      switch (kind) {
        case 'hang': return; // never answers
        case 'http500': res.writeHead(500, { 'content-type': 'text/plain' }); res.end('Internal Server Error'); return;
        case 'malformed': res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"jsonrpc":"2.0","id":' + body.id + ',"result":'); return;
        case 'close': req.socket.destroy(); return;
        case 'junk': res.end(JSON.stringify({ jsonrpc: '2.0', id: body.id, result: body.method === 'eth_getBlockByNumber' ? { number: 'twelve' } : 'junk' })); return;
      }
    });
  });
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}

describe('ethereum adapter on hostile endpoints', function () {
  this.timeout(20_000);
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => { unhandled.push(e); };
  before(() => { process.on('unhandledRejection', onUnhandled); });
  after(() => { process.off('unhandledRejection', onUnhandled); });

  const cases: [Hostility, new (...args: never[]) => Error][] = [
    ['hang', TransportError], ['http500', HttpStatusError], ['malformed', MalformedResponseError], ['close', TransportError], ['junk', MalformedResponseError],
  ];
  for (const [kind, type] of cases) {
    for (const spareVersion of [false, true]) {
      it(`${kind}${spareVersion ? ' (after an honest web3_clientVersion)' : ''}: poll() and blocks() reject with ${type.name}`, async () => {
        const srv = await hostileServer(kind, spareVersion);
        const a = createAdapter({ endpoint: srv.url, timeoutMs: 300 });
        try {
          for (let i = 0; i < 2; i++) {
            const e = await a.poll().then(() => undefined, (x: unknown) => x);
            expect(e, `poll ${i + 1}`).to.be.instanceOf(type);
          }
          const b = await a.blocks(1, 3).then(() => undefined, (x: unknown) => x);
          expect(b).to.be.instanceOf(type);
          // Junk results are well-formed JSON-RPC answers: the calls themselves succeeded.
          if (kind !== 'junk') expect(a.stats().errors).to.be.greaterThan(0);
        } finally {
          await a.close();
          await srv.close();
        }
        await new Promise((r) => setImmediate(r));
        expect(unhandled).to.deep.equal([]);
      });
    }
  }

  it('a newHeads subscription to a closed port reports a TransportError through onError', async () => {
    const srv = await hostileServer('close', false);
    const port = new URL(srv.url).port;
    await srv.close();
    const a = createAdapter({ endpoint: `http://127.0.0.1:${port}`, wsEndpoint: `ws://127.0.0.1:${port}`, timeoutMs: 500 });
    try {
      const err = await new Promise<Error>((resolve) => { a.subscribeHeads!(() => undefined, resolve); });
      expect(err).to.be.instanceOf(TransportError);
      const e = await a.poll().then(() => undefined, (x: unknown) => x);
      expect(e).to.be.instanceOf(TransportError);
    } finally {
      await a.close();
    }
  });
});

describe('ethereum block codec: times', () => {
  const block = (timestamp: string): Record<string, unknown> => ({ number: '0x7', hash: HASH(7), parentHash: HASH(6), timestamp, miner: `0x${'11'.repeat(20)}`, transactions: [] });
  it('rejects a block whose time no Date can hold (it would fail every rendering of the ledger), and keeps the last one that can', () => {
    expect(blockSummary(block('0x7dba821800'), 'eth_getBlockByNumber').time).to.equal(540_000_000_000);
    expect(blockSummary(block(`0x${(8_640_000_000_000).toString(16)}`), 'eth_getBlockByNumber').time).to.equal(8_640_000_000_000);
    expect(() => blockSummary(block(`0x${(8_640_000_000_001).toString(16)}`), 'eth_getBlockByNumber')).to.throw(MalformedResponseError, /beyond the year 275760/);
    expect(() => blockSummary(block('0x1fffffffffffff'), 'eth_getBlockByNumber')).to.throw(MalformedResponseError);
  });
});
