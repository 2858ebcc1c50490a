/**
 * The dev chain's JSON-RPC provider: Hardhat 2's in-process EDR provider (interval mining, automine off)
 * with a thin layer that makes it answer like a node a bridge manages:
 *
 *   miner_start / miner_stop   start / stop interval mining at the configured interval (geth's names),
 *                              so startBlockProduction / stopBlockProduction work through RPC;
 *   eth_mining                 the real state (Hardhat answers false whatever it does);
 *   txpool_status              pending / queued counts of the mempool (eth_pendingTransactions split by
 *                              nonce gaps against eth_getTransactionCount);
 *   evm_setIntervalMining, evm_setAutomine   passed through and tracked, so eth_mining stays true to them.
 *
 * Everything else goes to EDR unchanged (Hardhat answers -32004 for methods it lacks: admin_*, txpool_content...).
 */
import { EventEmitter } from 'node:events';
import type { EIP1193Provider, RequestArguments } from 'hardhat/types';
import { defaultHardhatNetworkParams } from 'hardhat/internal/core/config/default-config';
import { InvalidArgumentsError } from 'hardhat/internal/core/providers/errors';
import { createHardhatNetworkProvider } from 'hardhat/internal/hardhat-network/provider/provider';

export interface DevProviderOptions {
  readonly chainId: number;
  readonly blockIntervalMs: number;
  readonly privateKeys: readonly string[];
  /** Wei given to each account at genesis. */
  readonly balance: bigint;
  /** false: leave miner_* and eth_mining to Hardhat (which lacks the former), as a plain Hardhat node. */
  readonly minerApi: boolean;
}

export class DevProvider extends EventEmitter implements EIP1193Provider {
  private intervalOn: boolean;
  private automine = false;
  private closed = false;

  private constructor(private readonly inner: EIP1193Provider, private readonly opts: DevProviderOptions) {
    super();
    this.intervalOn = opts.blockIntervalMs > 0;
    // eth_subscribe notifications, for the WebSocket server.
    inner.on('notification', (n: unknown) => { if (!this.closed) this.emit('notification', n); });
    inner.on('message', (m: unknown) => { if (!this.closed) this.emit('message', m); });
  }

  static async create(opts: DevProviderOptions): Promise<DevProvider> {
    const inner = await createHardhatNetworkProvider({
      hardfork: 'prague',
      chainId: opts.chainId,
      networkId: opts.chainId,
      blockGasLimit: 30_000_000,
      minGasPrice: 0n,
      automine: false,
      intervalMining: opts.blockIntervalMs,
      mempoolOrder: 'fifo',
      chains: defaultHardhatNetworkParams.chains,
      genesisAccounts: opts.privateKeys.map((privateKey) => ({ privateKey, balance: opts.balance })),
      allowUnlimitedContractSize: false,
      // Reverted transactions are mined with status 0, as on a real node, instead of failing the RPC call.
      throwOnTransactionFailures: false,
      throwOnCallFailures: false,
      allowBlocksWithSameTimestamp: false,
      enableTransientStorage: false,
      enableRip7212: false,
    }, { enabled: false });
    return new DevProvider(inner, opts);
  }

  /** Whether blocks are being produced (interval mining on, or automine). */
  get mining(): boolean { return this.intervalOn || this.automine; }

  async request(args: RequestArguments): Promise<unknown> {
    const params = Array.isArray(args.params) ? (args.params as readonly unknown[]) : [];
    if (this.opts.minerApi) {
      switch (args.method) {
        case 'miner_start':
          await this.inner.request({ method: 'evm_setIntervalMining', params: [this.opts.blockIntervalMs] });
          this.intervalOn = true;
          return null;
        case 'miner_stop':
          await this.inner.request({ method: 'evm_setIntervalMining', params: [0] });
          this.intervalOn = false;
          return null;
        case 'eth_mining':
          return this.mining;
        default:
      }
    }
    switch (args.method) {
      case 'txpool_status':
        return this.txPoolStatus();
      case 'evm_setIntervalMining': {
        const r = await this.inner.request({ method: args.method, params });
        const v = params[0];
        this.intervalOn = Array.isArray(v) ? v.some((x) => x !== 0) : v !== 0;
        return r;
      }
      case 'evm_setAutomine': {
        if (typeof params[0] !== 'boolean') throw new InvalidArgumentsError('evm_setAutomine: expected a boolean');
        const r = await this.inner.request({ method: args.method, params });
        this.automine = params[0];
        return r;
      }
      default:
        return this.inner.request({ method: args.method, params });
    }
  }

  /** geth's txpool_status: transactions ready for the next block, and those behind a nonce gap. */
  private async txPoolStatus(): Promise<{ pending: string; queued: string }> {
    const txs = await this.inner.request({ method: 'eth_pendingTransactions', params: [] });
    const bySender = new Map<string, bigint[]>();
    for (const t of Array.isArray(txs) ? txs : []) {
      const tx = t as { from?: unknown; nonce?: unknown };
      if (typeof tx.from !== 'string' || typeof tx.nonce !== 'string') continue;
      const list = bySender.get(tx.from) ?? [];
      list.push(BigInt(tx.nonce));
      bySender.set(tx.from, list);
    }
    let pending = 0;
    let queued = 0;
    await Promise.all([...bySender].map(async ([from, nonces]) => {
      const next = BigInt(String(await this.inner.request({ method: 'eth_getTransactionCount', params: [from, 'latest'] })));
      const have = new Set(nonces.map(String));
      let n = next;
      while (have.has(String(n))) n++;
      const ready = Number(n - next);
      pending += ready;
      queued += nonces.length - ready;
    }));
    return { pending: '0x' + pending.toString(16), queued: '0x' + queued.toString(16) };
  }

  /** Stops mining and notifications; EDR keeps no other resource that outlives its last reference. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.inner.request({ method: 'evm_setIntervalMining', params: [0] }).catch(() => undefined);
    await this.inner.request({ method: 'evm_setAutomine', params: [false] }).catch(() => undefined);
    this.closed = true;
    this.removeAllListeners();
  }
}
