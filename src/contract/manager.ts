/**
 * Contract management (clause 7.3.3) for Ethereum-family networks: per new block, the block's
 * transactions and receipts (shared activity feed) update each network's inventory (inventory.ts),
 * then a bounded number of accounts is checked (eth_getCode, eth_getBalance) and the tree is written:
 *   network/<net>/contract/<address>/contractMethod/<selector>
 *
 * Account checks per block (at most CHECKS_PER_BLOCK, so a busy block costs a bounded number of calls):
 * contracts deployed or active in the block first (in order; those over the budget wait for the next
 * blocks), then ROUND_ROBIN_PER_BLOCK contracts in turn (configured ones first), so that a contract whose
 * code disappears or whose balance changes without a transaction to it (internal calls) is seen too.
 * A configured contract is checked at the first block after it is configured; one that has code and was
 * not seen deployed gets its deployment looked for once (deployment.ts).
 *
 * Persistence (store.ts): contracts, methods and counters are kept in the database with the block last
 * processed per network. A block that does not follow it (after a restart, SIGTERM or kill -9; or blocks
 * the feed could not fetch) is preceded by a catch-up of the gap, block by block (at most
 * MAX_CATCHUP_BLOCKS), so the counts equal the chain's receipts; a catch-up that fails leaves the cursor
 * where it is and is tried again at the next block. When counts cannot be recovered (a longer gap, or the
 * block last processed is no longer on the chain) the network's contracts get a new counter
 * discontinuity time (like IF-MIB ifCounterDiscontinuityTime).
 */
import type { Bridge, View } from '../bridge';
import type { BlockActivity } from '../chains/adapter';
import type { ConfigObject } from '../config/document';
import type { Instance, Path, Values } from '../state/tree';
import { loadAbiFile } from './abi';
import { activityFeed } from './feed';
import type { ActivityEvent, ActivityFeed } from './feed';
import { deploymentText, findDeployment } from './deployment';
import { ContractInventory, meanGas } from './inventory';
import type { BlockChanges, ContractRecord, InventoryOptions } from './inventory';
import { keccakHex } from './keccak';
import { ContractStore } from './store';
import type { Cursor } from './store';

export const CHECKS_PER_BLOCK = 16;
export const ROUND_ROBIN_PER_BLOCK = 4;
/** Contracts waiting for a check, per network, beyond which the oldest waits for its round-robin turn. */
const MAX_CHECK_QUEUE = 10_000;
/** Blocks caught up at most after a restart; a longer gap is a counter discontinuity. */
export const MAX_CATCHUP_BLOCKS = 2_000;

export interface ContractManagerOptions extends InventoryOptions {
  readonly checksPerBlock?: number;
  /** Blocks caught up at most at a start (default MAX_CATCHUP_BLOCKS). */
  readonly maxCatchupBlocks?: number;
}

interface NetState {
  readonly inventory: ContractInventory;
  /** Contracts waiting for an account check, in order. */
  readonly checkQueue: Set<string>;
  rrCursor: number;
  /** The block last processed (persisted with the counts). */
  cursor: Cursor | undefined;
  /** Whether the cursor was checked against the chain since the start. */
  resumed: boolean;
  /** Whether the last catch-up failed (its warning is not repeated at every block). */
  failing: boolean;
  /** Contracts whose deployment was looked for since the start (found or not). */
  readonly searched: Set<string>;
}

function list(o: ConfigObject | undefined, f: string): ConfigObject[] {
  const v = o?.[f];
  return Array.isArray(v) ? (v as ConfigObject[]) : [];
}

export class ContractManager implements View {
  readonly name = 'contract';
  readonly networks = new Map<string, NetState>();
  private readonly feed: ActivityFeed;
  private unsubscribe: (() => void) | undefined;
  private readonly offs: (() => void)[] = [];
  private readonly abiWarned = new Set<string>();
  readonly store: ContractStore;
  private readonly searches = new Set<Promise<void>>();

  constructor(private readonly bridge: Bridge, private readonly opts: ContractManagerOptions = {}) {
    this.feed = activityFeed(bridge);
    this.store = new ContractStore(bridge.db);
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.applyConfig(this.bridge.running);
    this.unsubscribe = this.feed.subscribe({ wants: (n) => this.networks.has(n), onBlock: (e) => this.onBlock(e) });
    const onCommit = (r: { target: string }): void => { if (r.target === 'running') this.applyConfig(this.bridge.running); };
    this.bridge.datastore.on('committed', onCommit);
    this.offs.push(() => this.bridge.datastore.off('committed', onCommit));
    // The collector removes a network's subtree when the network goes (or changes platform): forget it.
    const onRemoved = (i: Instance): void => { if (i.cls.name === 'network') this.networks.delete(String(i.keys[0])); };
    this.bridge.tree.on('removed', onRemoved);
    this.offs.push(() => this.bridge.tree.off('removed', onRemoved));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const off of this.offs.splice(0)) off();
    await this.feed.idle();
    while (this.searches.size) await Promise.all([...this.searches]);
  }

  describe(): string {
    let configured = 0;
    for (const s of this.networks.values()) configured += s.inventory.all().filter((c) => c.configured).length;
    return `contract management: ${configured} configured contract(s) on ${this.networks.size} Ethereum network(s); deployments discovered from new blocks`;
  }

  /** Makes the managed networks and configured contracts those of the running configuration. */
  applyConfig(doc: ConfigObject): void {
    const nets = list(doc, 'networks').filter((n) => n.platform === 'ethereum');
    const names = new Set(nets.map((n) => String(n.name)));
    for (const name of [...this.networks.keys()]) if (!names.has(name)) this.networks.delete(name);
    for (const name of this.store.networks()) if (!names.has(name)) this.store.forget(name);
    for (const n of nets) {
      const net = String(n.name);
      const wanted = list(n, 'contracts').map((c) => ({
        address: String(c.address).toLowerCase(),
        name: typeof c.name === 'string' ? c.name : '',
        methodNames: this.abiOf(net, c.abi),
      }));
      let s = this.networks.get(net);
      const fresh = !s;
      if (!s) {
        s = { inventory: new ContractInventory(this.opts), checkQueue: new Set(), rrCursor: 0, cursor: this.store.cursor(net), resumed: false, failing: false, searched: new Set() };
        // Stored contracts: those seen deployed, and the configured ones (a contract configured before and
        // not any more, never seen deployed, goes as configure() would drop it).
        const addrs = new Set(wanted.map((c) => c.address));
        const stored = this.store.load(net);
        const keep = (r: ContractRecord): boolean => r.deployBlock !== undefined || addrs.has(r.address);
        s.inventory.restore(stored.filter(keep));
        const gone = stored.filter((r) => !keep(r)).map((r) => r.address);
        if (gone.length) this.store.save(net, { contracts: [], deleted: gone });
        this.networks.set(net, s);
      }
      const before = new Set(s.inventory.all().filter((c) => c.configured).map((c) => c.address));
      const { removed, changed } = s.inventory.configure(wanted);
      for (const a of removed) this.bridge.tree.remove(this.contractPath(net, a));
      const saved: ContractRecord[] = [];
      for (const a of changed) {
        const rec = s.inventory.get(a);
        if (!rec) continue;
        if (rec.configured && !before.has(a)) s.checkQueue.add(a);
        this.writeContract(net, rec);
        for (const m of rec.methods.keys()) this.writeMethod(net, rec, m);
        saved.push(rec);
      }
      this.store.save(net, { contracts: saved, methods: new Map(saved.map((r) => [r.address, r.methods.keys()])), deleted: removed });
      if (fresh) {
        // The contracts read back from the database appear at once, with their counts.
        const written = new Set(changed);
        for (const rec of s.inventory.all()) {
          if (written.has(rec.address)) continue;
          this.writeContract(net, rec);
          for (const m of rec.methods.keys()) this.writeMethod(net, rec, m);
        }
      }
    }
  }

  private abiOf(net: string, abi: unknown): ReadonlyMap<string, string> {
    if (typeof abi !== 'string' || abi === '') return new Map();
    try {
      const names = loadAbiFile(abi);
      this.abiWarned.delete(abi);
      return names;
    } catch (e) {
      if (!this.abiWarned.has(abi)) {
        this.abiWarned.add(abi);
        this.bridge.record({ severity: 'warning', component: 'contract', msgId: 'CONFIG', message: `network ${net}: ABI file ${abi} not used: ${(e as Error).message}` });
      }
      return new Map();
    }
  }

  private netPath(net: string): Path { return [{ cls: 'network', keys: [net] }]; }
  private contractPath(net: string, address: string): Path { return [...this.netPath(net), { cls: 'contract', keys: [address] }]; }

  /** Writes only while the network is in the tree (a write would otherwise create it again). */
  private set(net: string, path: Path, values: Values): void {
    if (!this.bridge.tree.find(this.netPath(net))) return;
    this.bridge.tree.set(path, values);
  }

  private writeContract(net: string, c: ContractRecord): void {
    c.discontinuityTime ??= Date.now();
    this.set(net, this.contractPath(net, c.address), {
      address: c.address,
      addressText: c.address,
      counterDiscontinuityTime: c.discontinuityTime,
      name: c.configured ? c.name : undefined,
      source: c.configured ? 'configured' : 'discovered',
      deployer: c.deployer,
      deployBlock: c.deployBlock === undefined ? undefined : BigInt(c.deployBlock),
      deployTx: c.deployTx,
      codeHash: c.codeHash,
      codeSize: c.codeSize,
      lifecycleState: c.lifecycle,
      balance: c.balance,
      calls: BigInt(c.calls),
      failedCalls: BigInt(c.failedCalls),
      events: BigInt(c.events),
      lastActivityTime: c.lastActivityTime,
      lastActivityBlock: c.lastActivityBlock === undefined ? undefined : BigInt(c.lastActivityBlock),
    });
  }

  private writeMethod(net: string, c: ContractRecord, selector: string): void {
    const m = c.methods.get(selector);
    if (!m) return;
    this.set(net, [...this.contractPath(net, c.address), { cls: 'contractMethod', keys: [selector] }], {
      name: c.methodNames.get(selector) ?? '',
      addressText: c.address,
      selectorText: selector,
      calls: BigInt(m.calls),
      failures: BigInt(m.failures),
      meanGas: meanGas(m),
    });
  }

  private async onBlock(e: ActivityEvent): Promise<void> {
    const s = this.networks.get(e.network);
    if (!s) return;
    if (!(await this.catchUp(e.network, s, e.activity.height))) return;
    if (this.networks.get(e.network) !== s) return;
    this.applyBlock(e.network, s, e.activity);
    await this.check(e.network, s);
  }

  /** Counts one block, writes the tree, and saves the changes with the cursor past the block. */
  private applyBlock(net: string, s: NetState, b: BlockActivity): void {
    const ch = s.inventory.applyBlock(b);
    this.writeChanges(net, s, ch);
    s.cursor = { height: b.height, hash: b.hash };
    const contracts = [...ch.touched].map((a) => s.inventory.get(a)).filter((r): r is ContractRecord => r !== undefined);
    this.store.save(net, { contracts, methods: ch.methods, deleted: ch.evicted, deletedMethods: ch.evictedMethods, cursor: s.cursor });
    for (const a of ch.deployed) s.checkQueue.add(a);
    for (const a of ch.touched) s.checkQueue.add(a);
    while (s.checkQueue.size > MAX_CHECK_QUEUE) s.checkQueue.delete(s.checkQueue.values().next().value as string);
  }

  /** A new counter discontinuity for every contract of a network (counts that cannot be recovered). */
  private discontinuity(net: string, s: NetState): void {
    const now = Date.now();
    const all = s.inventory.all();
    for (const c of all) { c.discontinuityTime = now; this.writeContract(net, c); }
    this.store.save(net, { contracts: all });
  }

  /**
   * Before a block: when it does not follow the block last processed, the blocks between are processed
   * first (fetched from the network's best node). The first time since the start, the block last processed
   * must still be on the chain. Returns false when the gap could not be read: the block is not processed
   * (the next one tries again from the same cursor).
   */
  private async catchUp(net: string, s: NetState, height: number): Promise<boolean> {
    const c = s.cursor;
    if (!c || (s.resumed && height <= c.height + 1)) { s.resumed = true; return true; }
    const fail = (what: string, err: unknown): false => {
      if (!s.failing) this.bridge.record({ severity: 'warning', component: 'contract', msgId: 'ACTIVITY', message: `network ${net}: ${what} failed: ${(err as Error).message ?? String(err)}; tried again at the next block` });
      s.failing = true;
      return false;
    };
    const adapter = this.feed.adapter(net);
    if (!adapter?.blockActivity) return fail(`catching up blocks ${c.height + 1}..${height - 1}`, new Error('no reachable node'));
    if (!s.resumed) {
      try {
        const [b] = c.height < height ? await adapter.blocks(c.height, c.height) : [];
        if (!b || b.hash !== c.hash) {
          this.bridge.record({ severity: 'notice', component: 'contract', msgId: 'ACTIVITY',
            message: `network ${net}: block ${c.height} processed before is no longer on the chain (reorganised or replaced while the bridge was down): the blocks since are not counted (counter discontinuity)` });
          this.discontinuity(net, s);
          s.cursor = undefined;
          s.resumed = true;
          return true;
        }
      } catch (err) {
        return fail(`checking block ${c.height} processed before`, err);
      }
      s.resumed = true;
    }
    let from = c.height + 1;
    const to = height - 1;
    if (to < from) return true;
    const max = this.opts.maxCatchupBlocks ?? MAX_CATCHUP_BLOCKS;
    if (to - from + 1 > max) {
      this.bridge.record({ severity: 'warning', component: 'contract', msgId: 'ACTIVITY',
        message: `network ${net}: ${to - from + 1} blocks missed; only the last ${max} are counted (counter discontinuity)` });
      this.discontinuity(net, s);
      from = to - max + 1;
    }
    let txs = 0;
    for (let h = from; h <= to; h++) {
      let b: BlockActivity;
      try {
        b = await adapter.blockActivity(h);
      } catch (err) {
        return fail(`catching up block ${h} (of ${from}..${to})`, err);
      }
      if (this.networks.get(net) !== s) return false;
      this.applyBlock(net, s, b);
      txs += b.transactions.length;
    }
    s.failing = false;
    this.bridge.record({ severity: 'info', component: 'contract', msgId: 'ACTIVITY', message: `network ${net}: caught up blocks ${from}..${to} (${txs} transaction(s))` });
    return true;
  }

  private writeChanges(net: string, s: NetState, ch: BlockChanges): void {
    for (const a of ch.evicted) {
      this.bridge.tree.remove(this.contractPath(net, a));
      s.checkQueue.delete(a);
    }
    for (const [a, sels] of ch.evictedMethods) {
      for (const sel of sels) this.bridge.tree.remove([...this.contractPath(net, a), { cls: 'contractMethod', keys: [sel] }]);
    }
    for (const a of ch.touched) {
      const rec = s.inventory.get(a);
      if (!rec) continue;
      this.writeContract(net, rec);
      for (const sel of ch.methods.get(a) ?? []) this.writeMethod(net, rec, sel);
    }
  }

  /** Account checks of this block: the queue first, then a few contracts in turn. */
  private async check(net: string, s: NetState): Promise<void> {
    const adapter = this.feed.adapter(net);
    if (!adapter?.accountState) return;
    const budget = this.opts.checksPerBlock ?? CHECKS_PER_BLOCK;
    const picked: string[] = [];
    for (const a of s.checkQueue) {
      if (picked.length >= budget) break;
      picked.push(a);
    }
    for (const a of picked) s.checkQueue.delete(a);
    const all = s.inventory.all();
    const rr = Math.min(ROUND_ROBIN_PER_BLOCK, budget - picked.length, all.length);
    for (let i = 0; i < rr; i++) {
      const c = all[(s.rrCursor + i) % all.length];
      if (!picked.includes(c.address)) picked.push(c.address);
    }
    if (all.length) s.rrCursor = (s.rrCursor + rr) % all.length;
    const getState = adapter.accountState.bind(adapter);
    const checked: ContractRecord[] = [];
    await Promise.all(picked.map(async (a) => {
      let st;
      try { st = await getState(a); } catch { s.checkQueue.add(a); return; }
      const rec = s.inventory.get(a);
      if (!rec || this.networks.get(net) !== s) return;
      const was = rec.lifecycle;
      rec.balance = st.balance.toString(10);
      if (st.code === '0x') {
        rec.lifecycle = 'codeGone';
        rec.codeSize = 0;
        if (was === 'deployed') {
          this.bridge.record({ severity: 'notice', component: 'contract', msgId: 'CONTRACT', message: `network ${net}: contract ${rec.name || a} has no code any more (self-destructed)` });
        }
      } else {
        rec.lifecycle = 'deployed';
        rec.codeSize = (st.code.length - 2) / 2;
        rec.codeHash = keccakHex(st.code);
        if (rec.deployBlock === undefined && !rec.deploySearched && !s.searched.has(a)) this.searchDeployment(net, s, rec);
      }
      this.writeContract(net, rec);
      checked.push(rec);
    }));
    if (checked.length) this.store.save(net, { contracts: checked });
  }

  /** Looks for the deployment of a contract not seen deployed (in the background, once per start). */
  private searchDeployment(net: string, s: NetState, rec: ContractRecord): void {
    const adapter = this.feed.adapter(net);
    const head = s.cursor?.height;
    if (!adapter || head === undefined) return;
    s.searched.add(rec.address);
    const p = (async () => {
      try {
        const d = await findDeployment(adapter, rec.address, head);
        if (this.networks.get(net) !== s || s.inventory.get(rec.address) !== rec) return;
        // No code yet at the block last processed: its deployment is in a block still to come.
        if (!d) { s.searched.delete(rec.address); return; }
        rec.deployBlock = d.block;
        rec.deployer = d.deployer;
        rec.deployTx = d.tx;
        rec.deploySearched = true;
        this.writeContract(net, rec);
        this.store.save(net, { contracts: [rec] });
        this.bridge.record({ severity: 'info', component: 'contract', msgId: 'CONTRACT', message: `network ${net}: ${deploymentText(rec.name || rec.address, d)}` });
      } catch (err) {
        this.bridge.record({ severity: 'notice', component: 'contract', msgId: 'CONTRACT',
          message: `network ${net}: deployment of contract ${rec.name || rec.address} not found: ${(err as Error).message}` });
      }
    })().finally(() => this.searches.delete(p));
    this.searches.add(p);
  }
}
