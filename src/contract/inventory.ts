/**
 * The contract inventory of one network (clause 7.3.3): what the bridge knows of each contract and of
 * each of its methods, updated from the activity of new blocks only. No I/O here: the manager fetches,
 * this counts, the manager writes the tree.
 *
 * Bounds and eviction (the model's bound on classes contract and contractMethod):
 *   - at most maxContracts contracts per network (model: 10 000). Configured contracts are never evicted.
 *     When a new contract is discovered and the inventory is full, the DISCOVERED contract with the
 *     OLDEST LAST ACTIVITY is removed. Activity is: its deployment, a transaction to it, or a log it
 *     emitted; discovered contracts are kept in a Map in activity order (touching one moves it to the
 *     end), so the victim is the Map's first entry (O(1)). When every contract is configured, a newly
 *     deployed one is not tracked (counted in `untracked`).
 *   - at most maxMethods methods per contract (model: 256). When a call names a new selector and the
 *     contract is full, the method with the FEWEST CALLS is removed; among equals, the one called
 *     least recently. The contract's own totals keep counting the evicted method's calls.
 */
import type { BlockActivity } from '../chains/adapter';

export const MAX_CONTRACTS = 10_000;
export const MAX_METHODS = 256;

export type Lifecycle = 'unknown' | 'deployed' | 'codeGone';

export interface MethodStats {
  readonly selector: string;
  calls: number;
  failures: number;
  gasSum: bigint;
  /** Sequence number of the last call (recency among equals for eviction). */
  lastSeq: number;
}

export interface ContractRecord {
  readonly address: string;
  configured: boolean;
  name: string;
  /** Function signatures by selector, from the configured ABI. */
  methodNames: ReadonlyMap<string, string>;
  deployer?: string;
  deployBlock?: number;
  deployTx?: string;
  /** Whether the deployment of a contract not seen deployed was looked for (deployment.ts), found or not. */
  deploySearched?: boolean;
  codeHash?: string;
  codeSize?: number;
  lifecycle: Lifecycle;
  balance?: string;
  calls: number;
  failedCalls: number;
  events: number;
  lastActivityTime?: number;
  lastActivityBlock?: number;
  /** When the counters began counting (configured or discovered) or last missed blocks (ms since the epoch). */
  discontinuityTime?: number;
  readonly methods: Map<string, MethodStats>;
}

/** What one block changed: the manager writes exactly this to the tree. */
export interface BlockChanges {
  /** Contracts whose values changed (new ones included), in first-touch order. */
  readonly touched: Set<string>;
  /** Contracts that appeared in this block (deployments). */
  readonly deployed: string[];
  /** Methods whose values changed, by contract. */
  readonly methods: Map<string, Set<string>>;
  /** Methods removed to make room, by contract. */
  readonly evictedMethods: Map<string, string[]>;
  /** Contracts removed to make room. */
  readonly evicted: string[];
}

export interface InventoryOptions {
  readonly maxContracts?: number;
  readonly maxMethods?: number;
}

export class ContractInventory {
  readonly maxContracts: number;
  readonly maxMethods: number;
  private readonly configured = new Map<string, ContractRecord>();
  /** Discovered contracts, oldest last activity first. */
  private readonly discovered = new Map<string, ContractRecord>();
  private seq = 0;
  /** Deployments seen while the inventory was full of configured contracts. */
  untracked = 0;
  /** Contracts evicted so far. */
  evictions = 0;

  constructor(opts: InventoryOptions = {}) {
    this.maxContracts = opts.maxContracts ?? MAX_CONTRACTS;
    this.maxMethods = opts.maxMethods ?? MAX_METHODS;
  }

  get size(): number { return this.configured.size + this.discovered.size; }

  get(address: string): ContractRecord | undefined {
    return this.configured.get(address) ?? this.discovered.get(address);
  }

  /** Every contract: configured first (configuration order), then discovered (oldest activity first). */
  all(): ContractRecord[] {
    return [...this.configured.values(), ...this.discovered.values()];
  }

  /** Puts back contracts read from the database (oldest activity first), as discovered; configure() follows. */
  restore(records: readonly ContractRecord[]): void {
    for (const r of records) {
      if (this.get(r.address)) continue;
      this.discovered.set(r.address, r);
      for (const m of r.methods.values()) this.seq = Math.max(this.seq, m.lastSeq);
    }
  }

  /**
   * Makes the configured contracts exactly the given ones. A contract dropped from the configuration
   * stays as discovered when the bridge saw its deployment, otherwise it goes (returned in `removed`).
   */
  configure(list: readonly { address: string; name: string; methodNames: ReadonlyMap<string, string> }[]): { removed: string[]; changed: string[] } {
    const wanted = new Map(list.map((c) => [c.address, c]));
    const removed: string[] = [];
    const changed: string[] = [];
    for (const [addr, rec] of [...this.configured]) {
      if (wanted.has(addr)) continue;
      this.configured.delete(addr);
      rec.configured = false;
      rec.name = '';
      rec.methodNames = new Map();
      if (rec.deployBlock !== undefined) { this.discovered.set(addr, rec); changed.push(addr); } else removed.push(addr);
    }
    for (const c of list) {
      let rec = this.configured.get(c.address);
      if (!rec) {
        rec = this.discovered.get(c.address) ?? newRecord(c.address);
        this.discovered.delete(c.address);
        rec.configured = true;
        this.configured.set(c.address, rec);
      }
      rec.name = c.name;
      rec.methodNames = c.methodNames;
      changed.push(c.address);
    }
    // Configured contracts beyond the bound push discovered ones out.
    const evicted: string[] = [];
    while (this.size > this.maxContracts && this.discovered.size) evicted.push(this.evictOne());
    return { removed: [...removed, ...evicted], changed };
  }

  private evictOne(): string {
    const [addr] = this.discovered.keys();
    this.discovered.delete(addr);
    this.evictions++;
    return addr;
  }

  private touch(rec: ContractRecord, b: BlockActivity, ch: BlockChanges): void {
    rec.lastActivityBlock = b.height;
    rec.lastActivityTime = b.time * 1000;
    if (!rec.configured) {
      // Most recent activity last.
      this.discovered.delete(rec.address);
      this.discovered.set(rec.address, rec);
    }
    ch.touched.add(rec.address);
  }

  /** Counts one block's transactions. Transactions are taken in block order. */
  applyBlock(b: BlockActivity): BlockChanges {
    const ch: BlockChanges = { touched: new Set(), deployed: [], methods: new Map(), evictedMethods: new Map(), evicted: [] };
    for (const tx of b.transactions) {
      if (tx.createdContract !== undefined && tx.success !== false) {
        let rec = this.get(tx.createdContract);
        if (!rec) {
          if (this.size >= this.maxContracts) {
            if (!this.discovered.size) { this.untracked++; rec = undefined; } else {
              const gone = this.evictOne();
              ch.evicted.push(gone);
              ch.touched.delete(gone);
              ch.methods.delete(gone);
              ch.evictedMethods.delete(gone);
            }
          }
          if (this.size < this.maxContracts) {
            rec = newRecord(tx.createdContract);
            this.discovered.set(rec.address, rec);
          }
        }
        if (rec) {
          rec.deployer = tx.from;
          rec.deployBlock = b.height;
          rec.deployTx = tx.hash;
          rec.lifecycle = 'deployed';
          ch.deployed.push(rec.address);
          this.touch(rec, b, ch);
        }
      }
      const target = tx.to !== undefined ? this.get(tx.to) : undefined;
      if (target) {
        target.calls++;
        const failed = tx.success === false;
        if (failed) target.failedCalls++;
        if (tx.selector !== undefined) this.countMethod(target, tx.selector, failed, tx.gasUsed, ch);
        this.touch(target, b, ch);
      }
      for (const log of tx.logs) {
        const rec = this.get(log.address);
        if (!rec) continue;
        rec.events++;
        this.touch(rec, b, ch);
      }
    }
    return ch;
  }

  private countMethod(rec: ContractRecord, selector: string, failed: boolean, gas: bigint, ch: BlockChanges): void {
    let m = rec.methods.get(selector);
    if (!m) {
      if (rec.methods.size >= this.maxMethods) {
        let victim: MethodStats | undefined;
        for (const x of rec.methods.values()) {
          if (!victim || x.calls < victim.calls || (x.calls === victim.calls && x.lastSeq < victim.lastSeq)) victim = x;
        }
        rec.methods.delete(victim!.selector);
        ch.methods.get(rec.address)?.delete(victim!.selector);
        let ev = ch.evictedMethods.get(rec.address);
        if (!ev) { ev = []; ch.evictedMethods.set(rec.address, ev); }
        ev.push(victim!.selector);
      }
      m = { selector, calls: 0, failures: 0, gasSum: 0n, lastSeq: 0 };
      rec.methods.set(selector, m);
    }
    m.calls++;
    if (failed) m.failures++;
    m.gasSum += gas;
    m.lastSeq = ++this.seq;
    let set = ch.methods.get(rec.address);
    if (!set) { set = new Set(); ch.methods.set(rec.address, set); }
    set.add(selector);
  }
}

function newRecord(address: string): ContractRecord {
  return { address, configured: false, name: '', methodNames: new Map(), lifecycle: 'unknown', calls: 0, failedCalls: 0, events: 0, methods: new Map() };
}

/** Mean gas per call of a method (integer, rounded down). */
export function meanGas(m: MethodStats): bigint {
  return m.calls ? m.gasSum / BigInt(m.calls) : 0n;
}
