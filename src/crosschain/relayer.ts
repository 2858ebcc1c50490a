/**
 * A small relayer for the demonstration channel: watches MessageSent events of a Sender contract on
 * chain A (eth_getLogs from the block after the last one it handled, at most maxRange blocks per query)
 * and delivers each message on chain B by calling Receiver.deliver from an account the B node signs
 * for (eth_sendTransaction: development chains, or a node with an unlocked relayer account).
 *
 * A message already delivered (Receiver.delivered(id), or sent by this relayer recently) is skipped, so a
 * relayer restarted from an earlier block does not deliver twice. pause() stops delivering at the next
 * message (the block cursor stays where the undelivered messages are), resume() carries on, stop() ends it.
 *
 * Where it starts: fromBlock when given; otherwise the block cursor kept in the state file (stateFile,
 * written after every cycle that moves it, so a restart - even after kill -9 - resumes where the relayer
 * stopped and relays the messages sent meanwhile); otherwise (first run) the block after the head. The
 * start line it logs says which.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RpcHttpClient } from '../chains/rpc-http';
import { keccakText } from '../contract/keccak';
import { SENT_EVENT, decodeSentData, encodeDeliver, encodeDelivered } from './abi-words';

export interface RelayerOptions {
  /** JSON-RPC URL of the source chain (A). */
  readonly from: string;
  /** JSON-RPC URL of the destination chain (B). */
  readonly to: string;
  /** Sender contract on A. */
  readonly sender: string;
  /** Receiver contract on B. */
  readonly receiver: string;
  /** Account on B that sends the deliveries (signed by the node); default: B's first eth_accounts entry. */
  readonly account?: string;
  /** First block of A to watch; default: the cursor in stateFile, else the block after A's head. */
  readonly fromBlock?: number;
  /** File keeping the block cursor across restarts (JSON; written after each cycle that moves it). */
  readonly stateFile?: string;
  /** Time between cycles, ms (default 1000). */
  readonly pollMs?: number;
  /** Blocks per eth_getLogs query (default 1000). */
  readonly maxRange?: number;
  /** Deliveries per cycle at most (default 200); the rest follow in the next cycles. */
  readonly maxPerCycle?: number;
  readonly timeoutMs?: number;
  /** Progress and error lines. */
  readonly log?: (line: string) => void;
}

export type RelayerState = 'running' | 'paused' | 'stopped';

export interface RelayerStats {
  readonly state: RelayerState;
  /** Next block of A to look at. */
  readonly nextBlock: number;
  /** MessageSent events seen, deliveries sent, messages found already delivered, failed cycles. */
  readonly seen: number;
  readonly delivered: number;
  readonly skipped: number;
  readonly errors: number;
  readonly lastError?: string;
}

const RECENT_IDS = 10_000;
const SENT_TOPIC = keccakText(SENT_EVENT);

interface RawLog { topics?: unknown; data?: unknown; blockNumber?: unknown; removed?: unknown }

/** What the state file holds: the cursor, and what it is a cursor of. */
interface SavedState { readonly chainId: string; readonly sender: string; readonly receiver: string; readonly nextBlock: number }

/** The cursor kept in a state file for this source chain and pair of contracts, if any. */
function readState(file: string, chainId: bigint, sender: string, receiver: string): number | undefined {
  let raw: string;
  try { raw = fs.readFileSync(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const st = JSON.parse(raw) as Partial<SavedState>;
  if (st.chainId !== chainId.toString() || st.sender !== sender.toLowerCase() || st.receiver !== receiver.toLowerCase()) {
    throw new Error(`state file ${file} belongs to another channel (chain ${String(st.chainId)}, sender ${String(st.sender)}, receiver ${String(st.receiver)}): give another --state`);
  }
  if (!Number.isSafeInteger(st.nextBlock) || (st.nextBlock as number) < 0) throw new Error(`state file ${file}: nextBlock is not a block height`);
  return st.nextBlock;
}

/** Writes the state file whole or not at all (a temporary file renamed over it). */
function writeState(file: string, st: SavedState): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(st) + '\n');
  fs.renameSync(tmp, file);
}

export class Relayer {
  private readonly a: RpcHttpClient;
  private readonly b: RpcHttpClient;
  private st: RelayerState = 'running';
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> | undefined;
  private next: number;
  private readonly recent = new Set<string>();
  private s = { seen: 0, delivered: 0, skipped: 0, errors: 0, lastError: undefined as string | undefined };
  /** The cursor last written to the state file. */
  private saved: number | undefined;

  private constructor(private readonly opts: RelayerOptions, private readonly account: string, private readonly sourceChainId: bigint, fromBlock: number) {
    this.a = new RpcHttpClient({ url: opts.from, timeoutMs: opts.timeoutMs ?? 5000, jsonrpc: '2.0' });
    this.b = new RpcHttpClient({ url: opts.to, timeoutMs: opts.timeoutMs ?? 5000, jsonrpc: '2.0' });
    this.next = fromBlock;
  }

  /** Connects to both chains and starts relaying. */
  static async start(opts: RelayerOptions): Promise<Relayer> {
    for (const [k, v] of [['sender', opts.sender], ['receiver', opts.receiver]] as const) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(v)) throw new RangeError(`${k}: ${v} is not an address`);
    }
    const a = new RpcHttpClient({ url: opts.from, timeoutMs: opts.timeoutMs ?? 5000, jsonrpc: '2.0' });
    const b = new RpcHttpClient({ url: opts.to, timeoutMs: opts.timeoutMs ?? 5000, jsonrpc: '2.0' });
    try {
      const chainId = BigInt(await a.call<string>('eth_chainId'));
      const head = Number(BigInt(await a.call<string>('eth_blockNumber')));
      let account = opts.account;
      if (account === undefined) {
        const accounts = await b.call<unknown>('eth_accounts');
        if (!Array.isArray(accounts) || typeof accounts[0] !== 'string') throw new Error('the destination node signs for no account: give one');
        account = accounts[0];
      }
      const saved = opts.fromBlock === undefined && opts.stateFile !== undefined ? readState(opts.stateFile, chainId, opts.sender, opts.receiver) : undefined;
      const from = opts.fromBlock ?? saved ?? head + 1;
      const r = new Relayer(opts, account.toLowerCase(), chainId, from);
      opts.log?.(opts.fromBlock !== undefined ? `relayer: starting at block ${from} (given)`
        : saved !== undefined ? `relayer: resuming at block ${from}, where it stopped (state file ${opts.stateFile}); head is ${head}`
          : `relayer: starting at block ${from}, after the head: messages sent before are not relayed (none kept in ${opts.stateFile ?? 'a state file'}; give a first block to relay them)`);
      r.saved = saved;
      r.save();
      r.schedule(0);
      return r;
    } finally {
      a.close();
      b.close();
    }
  }

  get state(): RelayerState { return this.st; }

  stats(): RelayerStats {
    return { state: this.st, nextBlock: this.next, seen: this.s.seen, delivered: this.s.delivered, skipped: this.s.skipped, errors: this.s.errors, lastError: this.s.lastError };
  }

  /** Stops delivering (at the next message); the cursor stays, resume() carries on from it. */
  pause(): void {
    if (this.st !== 'running') return;
    this.st = 'paused';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    if (this.st !== 'paused') return;
    this.st = 'running';
    this.schedule(0);
  }

  /** Ends the relayer after the cycle in flight; it cannot be resumed. */
  async stop(): Promise<void> {
    this.st = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.cycle;
    this.a.close();
    this.b.close();
  }

  private schedule(ms: number): void {
    // A cycle in flight schedules the next one when it ends.
    if (this.st !== 'running' || this.timer || this.cycle) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.st !== 'running') return;
      this.cycle = this.runCycle().finally(() => { this.cycle = undefined; this.schedule(this.opts.pollMs ?? 1000); });
    }, ms);
  }

  private async runCycle(): Promise<void> {
    try {
      const head = Number(BigInt(await this.a.call<string>('eth_blockNumber')));
      if (this.next > head) return;
      const to = Math.min(head, this.next + (this.opts.maxRange ?? 1000) - 1);
      const logs = await this.a.call<unknown>('eth_getLogs', [{
        address: this.opts.sender, topics: [SENT_TOPIC], fromBlock: '0x' + this.next.toString(16), toBlock: '0x' + to.toString(16),
      }]);
      if (!Array.isArray(logs)) throw new Error('eth_getLogs: not a list');
      let budget = this.opts.maxPerCycle ?? 200;
      for (const raw of logs as RawLog[]) {
        if (raw.removed === true) continue;
        const topics = Array.isArray(raw.topics) ? raw.topics : [];
        const id = typeof topics[1] === 'string' ? topics[1].toLowerCase() : undefined;
        if (!id || typeof raw.data !== 'string') continue;
        if (this.recent.has(id)) continue;
        // Paused, stopped or out of budget: the rest of the range is handled next time (the cursor stays).
        if (this.st !== 'running' || budget <= 0) return;
        this.s.seen++;
        if (await this.isDelivered(id)) {
          this.s.skipped++;
          this.remember(id);
          continue;
        }
        const msg = decodeSentData(raw.data);
        await this.b.call('eth_sendTransaction', [{
          from: this.account, to: this.opts.receiver, data: encodeDeliver(id, this.sourceChainId, msg.to, msg.data),
          gas: '0x' + (200_000 + 64 * (msg.data.length / 2)).toString(16),
        }]);
        this.remember(id);
        this.s.delivered++;
        budget--;
      }
      this.next = to + 1;
      this.save();
    } catch (e) {
      this.s.errors++;
      this.s.lastError = (e as Error).message;
      this.opts.log?.(`relayer: ${(e as Error).message}`);
    }
  }

  /** Keeps the cursor in the state file when it moved (a failed write is reported and tried again next cycle). */
  private save(): void {
    const file = this.opts.stateFile;
    if (file === undefined || this.saved === this.next) return;
    try {
      writeState(file, { chainId: this.sourceChainId.toString(), sender: this.opts.sender.toLowerCase(), receiver: this.opts.receiver.toLowerCase(), nextBlock: this.next });
      this.saved = this.next;
    } catch (e) {
      this.s.errors++;
      this.s.lastError = `state file ${file}: ${(e as Error).message}`;
      this.opts.log?.(`relayer: ${this.s.lastError}`);
    }
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > RECENT_IDS) this.recent.delete(this.recent.values().next().value as string);
  }

  private async isDelivered(id: string): Promise<boolean> {
    const r = await this.b.call<string>('eth_call', [{ to: this.opts.receiver, data: encodeDelivered(id) }, 'latest']);
    return typeof r === 'string' && /^0x0*1$/.test(r);
  }
}
