/**
 * The embedded default dev chain: an in-process Ethereum development chain (Hardhat 2's EDR) on the
 * loopback interface, JSON-RPC over HTTP and WebSocket on one port, a block every blockIntervalMs,
 * and a small workload (transfers, contract calls, some reverting). Block production stops and starts
 * through RPC (miner_stop / miner_start, evm_setIntervalMining, evm_setAutomine). Nothing is downloaded
 * and nothing is printed.
 */
import { DevProvider } from './provider';
import { startRpcServer } from './server';
import { Workload, WorkloadControl } from './workload';

export type { WorkloadControl, WorkloadStats } from './workload';
export { WORKLOAD_ABI, WORKLOAD_SELECTORS } from './workload-contract';

export interface DevChainOptions {
  /** TCP port; 0 or absent: a free port. */
  readonly port?: number;
  /** Only the loopback interface is offered. */
  readonly host?: '127.0.0.1';
  /** Time between blocks, milliseconds (default 2000); 0: no interval mining (blocks only on evm_mine). */
  readonly blockIntervalMs?: number;
  /** Run the workload from the start (default true). It can be resumed later in any case. */
  readonly workload?: boolean;
  /** EIP-155 chain id, also the network id (default 1337). */
  readonly chainId?: number;
  /**
   * Answer miner_start / miner_stop / eth_mining as geth does (default true). false leaves them to
   * Hardhat, which lacks miner_*: the chain then behaves as a plain Hardhat node.
   */
  readonly minerApi?: boolean;
}

export interface DevAccount {
  readonly address: string;
  /** Well-known development key (Hardhat's default mnemonic): never use it on a real network. */
  readonly privateKey: string;
}

export interface DevChain {
  /** JSON-RPC over HTTP, e.g. http://127.0.0.1:45123 */
  readonly url: string;
  /** JSON-RPC over WebSocket on the same port (eth_subscribe newHeads). */
  readonly wsUrl: string;
  readonly port: number;
  readonly chainId: number;
  readonly blockIntervalMs: number;
  /** Funded accounts, unlocked on the node (eth_sendTransaction signs for them). */
  readonly accounts: readonly DevAccount[];
  /** The workload: pause() / resume(), its contract and counters. */
  readonly workload: WorkloadControl;
  /** A JSON-RPC call straight to the chain, in process. */
  request(method: string, params?: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
}

/** The first five keys of Hardhat's default mnemonic ("test test ... junk"). */
const DEV_KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
] as const;

export async function startDevChain(opts: DevChainOptions = {}): Promise<DevChain> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the dev chain listens on the loopback interface only');
  const blockIntervalMs = opts.blockIntervalMs ?? 2000;
  if (!Number.isInteger(blockIntervalMs) || blockIntervalMs < 0) throw new RangeError('blockIntervalMs must be a non-negative integer');
  const chainId = opts.chainId ?? 1337;
  if (!Number.isSafeInteger(chainId) || chainId < 1) throw new RangeError('chainId must be a positive integer');

  const provider = await DevProvider.create({
    chainId, blockIntervalMs, privateKeys: DEV_KEYS, balance: 10n ** 24n, minerApi: opts.minerApi ?? true,
  });
  const addresses = await provider.request({ method: 'eth_accounts', params: [] }) as string[];
  if (!Array.isArray(addresses) || addresses.length !== DEV_KEYS.length) throw new Error('dev chain: unexpected eth_accounts answer');
  const accounts = addresses.map((address, i) => ({ address: address.toLowerCase(), privateKey: DEV_KEYS[i] }));
  const workload = new Workload(provider, accounts.map((a) => a.address), Math.max(250, Math.floor((blockIntervalMs || 2000) / 2)));

  let server;
  try {
    server = await startRpcServer(provider, host, opts.port ?? 0);
    if (opts.workload ?? true) await workload.resume();
  } catch (e) {
    await server?.close();
    await provider.close();
    throw e;
  }
  const rpc = server;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${rpc.port}`,
    wsUrl: `ws://${host}:${rpc.port}`,
    port: rpc.port,
    chainId,
    blockIntervalMs,
    accounts,
    workload,
    request: (method, params = []) => provider.request({ method, params }),
    stop: () => {
      stopped ??= (async () => {
        await workload.stop();
        await rpc.close();
        await provider.close();
      })();
      return stopped;
    },
  };
}
