/**
 * Records real JSON-RPC answers for the recorded-response nodes of bench/recorded-node.ts:
 *   ethereum-hardhat.json   the embedded Hardhat 2 dev chain (src/devchain) with its workload running
 *   bitcoin-litecoind.json  a two-node Litecoin Core regtest network (test/support/litecoind.ts)
 * For every method a poll, a block fetch or a producer lookup asks, the node's answer (result or error)
 * is stored as the node gave it, and a run of consecutive blocks (headers, blocks, coinbase transactions)
 * is stored to be replayed at any height. Run: npm run build && node dist/bench/record-responses.js [DIR]
 * (default bench/recordings; litecoind must be installed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RpcError } from '../src/chains/errors';
import { RpcHttpClient } from '../src/chains/rpc-http';
import { startDevChain } from '../src/devchain';
import { LitecoinNetwork } from '../test/support/litecoind';

/** One recorded answer: the result, or the JSON-RPC error the node gave. */
export type Answer = { result: unknown } | { error: { code: number; message: string } };

export interface Recording {
  readonly platform: 'ethereum' | 'bitcoin';
  readonly source: string;
  readonly recordedAt: string;
  /** Answers by method name, for methods whose answer does not depend on the height. */
  readonly answers: Record<string, Answer>;
  /** Consecutive blocks as the node gave them (Ethereum: eth_getBlockByNumber(n, false); Bitcoin: getblockheader). */
  readonly blocks: unknown[];
  /** Bitcoin: getblock(hash, 1) of the same blocks, and the decoded coinbase of each (getrawtransaction). */
  readonly fullBlocks?: unknown[];
  readonly coinbases?: unknown[];
  /** Seconds between the recorded blocks' timestamps, as replayed. */
  readonly blockTime: number;
}

const BLOCKS = 8;

async function answer(c: RpcHttpClient, method: string, params: unknown[] = []): Promise<Answer> {
  try {
    return { result: await c.call(method, params) };
  } catch (e) {
    if (e instanceof RpcError) return { error: { code: e.code, message: e.message.replace(/^\S+: /, '').replace(/ \(-?\d+\)$/, '') } };
    throw e;
  }
}

const ETH_METHODS: [string, unknown[]][] = [
  ['web3_clientVersion', []], ['eth_chainId', []], ['net_version', []], ['eth_syncing', []], ['net_peerCount', []],
  ['net_listening', []], ['eth_gasPrice', []], ['eth_mining', []], ['eth_hashrate', []], ['admin_peers', []],
  ['admin_nodeInfo', []], ['eth_protocolVersion', []], ['txpool_status', []], ['txpool_besuStatistics', []],
  ['hardhat_getAutomine', []], ['anvil_getAutomine', []], ['clique_getSigners', []], ['clique_getSigner', []],
  ['qbft_getValidatorsByBlockNumber', ['latest']], ['ibft_getValidatorsByBlockNumber', ['latest']],
  ['eth_getBlockReceipts', ['latest']], ['debug_verbosity', []], ['admin_changeLogLevel', []],
];

async function recordEthereum(): Promise<Recording> {
  const chain = await startDevChain({ blockIntervalMs: 1000, workload: true });
  const c = new RpcHttpClient({ url: chain.url, timeoutMs: 10000, jsonrpc: '2.0' });
  try {
    const height = async (): Promise<number> => Number(BigInt(await c.call<string>('eth_blockNumber')));
    while ((await height()) < BLOCKS + 4) await new Promise((r) => setTimeout(r, 250));
    const answers: Record<string, Answer> = {};
    for (const [m, p] of ETH_METHODS) answers[m] = await answer(c, m, p);
    answers['eth_getBlockByNumber(finalized)'] = await answer(c, 'eth_getBlockByNumber', ['finalized', false]);
    const top = await height();
    const blocks: unknown[] = [];
    for (let h = top - BLOCKS + 1; h <= top; h++) blocks.push(await c.call('eth_getBlockByNumber', ['0x' + h.toString(16), false]));
    return { platform: 'ethereum', source: `${String((answers.web3_clientVersion as { result: unknown }).result)} (src/devchain, workload on, a block a second)`, recordedAt: new Date().toISOString(), answers, blocks, blockTime: 1 };
  } finally {
    c.close();
    await chain.stop();
  }
}

const BTC_METHODS = ['getblockchaininfo', 'getnetworkinfo', 'getpeerinfo', 'getmempoolinfo', 'getchaintips', 'getmininginfo',
  'getnetworkhashps', 'getnettotals', 'uptime', 'getchaintxstats', 'getbestblockhash', 'getblockcount'];

async function recordBitcoin(): Promise<Recording> {
  const net = await LitecoinNetwork.start({ nodes: 2 });
  try {
    await net.mine(1, 101);
    await net.waitForSameTip();
    for (let i = 0; i < BLOCKS; i++) {
      await net.sendTx(1, 0.5, 0);
      await net.mine(i % 2, 1);
    }
    await net.sendTx(1, 0.25, 0); // one waits in the pool
    await net.waitForSameTip();
    const rpc = <T>(m: string, p: unknown[] = []): Promise<T> => net.rpc<T>(0, m, p);
    const answers: Record<string, Answer> = {};
    for (const m of BTC_METHODS) {
      try { answers[m] = { result: await rpc(m) }; } catch (e) {
        if (!(e instanceof RpcError)) throw e;
        answers[m] = { error: { code: e.code, message: e.message } };
      }
    }
    const top = await rpc<number>('getblockcount');
    const blocks: unknown[] = [];
    const fullBlocks: unknown[] = [];
    const coinbases: unknown[] = [];
    for (let h = top - BLOCKS + 1; h <= top; h++) {
      const hash = await rpc<string>('getblockhash', [h]);
      blocks.push(await rpc('getblockheader', [hash, true]));
      const full = await rpc<{ tx: string[] }>('getblock', [hash, 1]);
      fullBlocks.push(full);
      coinbases.push(await rpc('getrawtransaction', [full.tx[0], true, hash]));
    }
    const net0 = answers.getnetworkinfo as { result: { subversion?: string } };
    return { platform: 'bitcoin', source: `${net0.result.subversion ?? 'litecoind'} regtest, two nodes, a payment per block`, recordedAt: new Date().toISOString(), answers, blocks, fullBlocks, coinbases, blockTime: 150 };
  } finally {
    await net.stopAll();
  }
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? path.join(__dirname, '..', '..', 'bench', 'recordings');
  fs.mkdirSync(dir, { recursive: true });
  const eth = await recordEthereum();
  fs.writeFileSync(path.join(dir, 'ethereum-hardhat.json'), JSON.stringify(eth, null, 1) + '\n');
  console.log(`recorded ${eth.source}`);
  const btc = await recordBitcoin();
  fs.writeFileSync(path.join(dir, 'bitcoin-litecoind.json'), JSON.stringify(btc, null, 1) + '\n');
  console.log(`recorded ${btc.source}`);
}

if (require.main === module) main().catch((e: unknown) => { console.error(e); process.exit(1); });
