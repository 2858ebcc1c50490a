/**
 * The dev chain's workload: on each tick, a transfer between funded accounts and a call of the Workload
 * contract (tools/contracts/Workload.sol); every second tick a call that reverts (record(0)), every fifth
 * a call of fail() (reverts with a reason). Transactions are sent in process (no HTTP), with explicit gas
 * so that reverting calls are mined with status 0 instead of failing estimation. While blocks are not
 * being produced at most MAX_UNMINED transactions wait in the pool, then the workload holds back.
 */
import type { DevProvider } from './provider';
import { WORKLOAD_BYTECODE, WORKLOAD_SELECTORS } from './workload-contract';

const MAX_UNMINED = 200;

export interface WorkloadStats {
  readonly ticks: number;
  /** Transactions sent: transfers, contract calls (of which expected to revert). */
  readonly transfers: number;
  readonly contractCalls: number;
  readonly revertingCalls: number;
  /** Sends the chain refused (not reverts: those are mined). */
  readonly sendErrors: number;
}

export interface WorkloadControl {
  /** Address of the deployed Workload contract, once deployed. */
  readonly contractAddress: string | undefined;
  readonly running: boolean;
  pause(): void;
  /** Starts or resumes the workload (deploying the contract first if needed). */
  resume(): Promise<void>;
  stats(): WorkloadStats;
}

function hex(n: bigint | number): string {
  return '0x' + n.toString(16);
}

function uint256(n: number): string {
  return n.toString(16).padStart(64, '0');
}

export class Workload implements WorkloadControl {
  private timer: NodeJS.Timeout | undefined;
  private contract: string | undefined;
  private deploying: Promise<string> | undefined;
  private tick = 0;
  private busy = false;
  private unmined = 0;
  private lastHeight = -1n;
  private readonly s = { ticks: 0, transfers: 0, contractCalls: 0, revertingCalls: 0, sendErrors: 0 };

  constructor(private readonly provider: DevProvider, private readonly accounts: readonly string[], private readonly periodMs: number) {
    if (accounts.length < 2) throw new Error('the workload needs at least two accounts');
  }

  get contractAddress(): string | undefined { return this.contract; }
  get running(): boolean { return this.timer !== undefined; }
  stats(): WorkloadStats { return { ...this.s }; }

  /** Deploys the contract and mines it at once, so that calls can follow in the next block. */
  deploy(): Promise<string> {
    if (this.contract) return Promise.resolve(this.contract);
    this.deploying ??= (async () => {
      const hash = await this.provider.request({
        method: 'eth_sendTransaction', params: [{ from: this.accounts[0], data: WORKLOAD_BYTECODE, gas: hex(1_000_000) }],
      });
      await this.provider.request({ method: 'evm_mine', params: [] });
      const receipt = await this.provider.request({ method: 'eth_getTransactionReceipt', params: [hash] }) as { contractAddress?: unknown; status?: unknown } | null;
      if (!receipt || typeof receipt.contractAddress !== 'string' || receipt.status !== '0x1') throw new Error('Workload contract deployment failed');
      this.contract = receipt.contractAddress.toLowerCase();
      return this.contract;
    })().catch((e: unknown) => { this.deploying = undefined; throw e; });
    return this.deploying;
  }

  async resume(): Promise<void> {
    await this.deploy();
    if (this.timer) return;
    this.timer = setInterval(() => { void this.step(); }, this.periodMs);
    this.timer.unref();
  }

  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async send(tx: Record<string, string>): Promise<void> {
    try {
      await this.provider.request({ method: 'eth_sendTransaction', params: [tx] });
      this.unmined++;
    } catch {
      this.s.sendErrors++;
    }
  }

  private async step(): Promise<void> {
    if (this.busy || !this.contract) return;
    this.busy = true;
    try {
      const height = BigInt(String(await this.provider.request({ method: 'eth_blockNumber', params: [] })));
      if (height !== this.lastHeight) { this.lastHeight = height; this.unmined = 0; }
      if (this.unmined >= MAX_UNMINED) return;
      const n = this.tick++;
      this.s.ticks++;
      const a = this.accounts;
      const from = a[n % a.length];
      const to = a[(n + 1) % a.length];
      const caller = a[(n + 2) % a.length];
      // Transfer of 0.001..0.01 ether.
      await this.send({ from, to, value: hex(BigInt(1 + (n % 10)) * 10n ** 15n), gas: hex(21_000) });
      this.s.transfers++;
      await this.send({ from: caller, to: this.contract, data: WORKLOAD_SELECTORS['record(uint256)'] + uint256(1 + (n % 100)), gas: hex(120_000) });
      this.s.contractCalls++;
      if (n % 2 === 1) {
        await this.send({ from: to, to: this.contract, data: WORKLOAD_SELECTORS['record(uint256)'] + uint256(0), gas: hex(120_000) });
        this.s.contractCalls++;
        this.s.revertingCalls++;
      }
      if (n % 5 === 4) {
        await this.send({ from: caller, to: this.contract, data: WORKLOAD_SELECTORS['fail()'], gas: hex(120_000) });
        this.s.contractCalls++;
        this.s.revertingCalls++;
      }
    } catch {
      this.s.sendErrors++;
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<void> {
    this.pause();
    // Let a step in flight finish before the provider goes away.
    for (let i = 0; i < 50 && this.busy; i++) await new Promise((r) => setTimeout(r, 10));
  }
}
