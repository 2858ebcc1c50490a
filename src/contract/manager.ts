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
 * A configured contract is checked at the first block after it is configured.
 */
import type { Bridge, View } from '../bridge';
import type { ConfigObject } from '../config/document';
import type { Instance, Path, Values } from '../state/tree';
import { loadAbiFile } from './abi';
import { activityFeed } from './feed';
import type { ActivityEvent, ActivityFeed } from './feed';
import { ContractInventory, meanGas } from './inventory';
import type { BlockChanges, ContractRecord, InventoryOptions } from './inventory';
import { keccakHex } from './keccak';

export const CHECKS_PER_BLOCK = 16;
export const ROUND_ROBIN_PER_BLOCK = 4;
/** Contracts waiting for a check, per network, beyond which the oldest waits for its round-robin turn. */
const MAX_CHECK_QUEUE = 10_000;

export interface ContractManagerOptions extends InventoryOptions {
  readonly checksPerBlock?: number;
}

interface NetState {
  readonly inventory: ContractInventory;
  /** Contracts waiting for an account check, in order. */
  readonly checkQueue: Set<string>;
  rrCursor: number;
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

  constructor(private readonly bridge: Bridge, private readonly opts: ContractManagerOptions = {}) {
    this.feed = activityFeed(bridge);
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
    for (const n of nets) {
      const net = String(n.name);
      let s = this.networks.get(net);
      if (!s) {
        s = { inventory: new ContractInventory(this.opts), checkQueue: new Set(), rrCursor: 0 };
        this.networks.set(net, s);
      }
      const wanted = list(n, 'contracts').map((c) => ({
        address: String(c.address).toLowerCase(),
        name: typeof c.name === 'string' ? c.name : '',
        methodNames: this.abiOf(net, c.abi),
      }));
      const before = new Set(s.inventory.all().filter((c) => c.configured).map((c) => c.address));
      const { removed, changed } = s.inventory.configure(wanted);
      for (const a of removed) this.bridge.tree.remove(this.contractPath(net, a));
      for (const a of changed) {
        const rec = s.inventory.get(a);
        if (!rec) continue;
        if (rec.configured && !before.has(a)) s.checkQueue.add(a);
        this.writeContract(net, rec);
        for (const m of rec.methods.keys()) this.writeMethod(net, rec, m);
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
    this.set(net, this.contractPath(net, c.address), {
      address: c.address,
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
      calls: BigInt(m.calls),
      failures: BigInt(m.failures),
      meanGas: meanGas(m),
    });
  }

  private async onBlock(e: ActivityEvent): Promise<void> {
    const s = this.networks.get(e.network);
    if (!s) return;
    const ch = s.inventory.applyBlock(e.activity);
    this.writeChanges(e.network, s, ch);
    for (const a of ch.deployed) s.checkQueue.add(a);
    for (const a of ch.touched) s.checkQueue.add(a);
    while (s.checkQueue.size > MAX_CHECK_QUEUE) s.checkQueue.delete(s.checkQueue.values().next().value as string);
    await this.check(e.network, s);
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
      }
      this.writeContract(net, rec);
    }));
  }
}
