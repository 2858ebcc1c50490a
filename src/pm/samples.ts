/**
 * Samples of performance management from the collector's events and the tree's contract counters: what one
 * event says about each resource it concerns, handed on in order to be applied to the pairs measuring it.
 *
 * A 'block' event counts for the ledger (blocks 1, transactions and tps its txCount, the gap to the previous
 * block's timestamp for blockIntervalMean/Max; the first block after start or a reorg has no gap); a 'reorg'
 * takes back the blocks and transactions it removed from the best chain (canonical counting). A poll
 * observes its node (peerCount, txPool.pending, the poll's latencyMs when it succeeded; deltas of the node's
 * bytesIn/bytesOut and of its adapter error counter rpcErrors; a failed poll counts at least one RPC error:
 * max(1, delta), so the failed call is not counted twice) and, when it succeeded, the network's ledgers (head
 * time for headAge); when no node of the network is reachable its ledgers and contracts are suspect.
 * Contract calls/failedCalls deltas come from tree changes.
 */
import type { Bridge } from '../bridge';
import type { BlockSummary } from '../chains/adapter';
import type { ReorgInfo } from '../collector/ledger-tracker';
import type { PollResult } from '../collector/node-poller';
import type { Instance, Path, Value } from '../state/tree';
import { pathToResource } from '../state/tree';
import { SECOND } from './interval';
import type { MetricName } from './metrics';
import { isResourceClass } from './metrics';

/** What one event says about one resource. */
export interface Sample {
  /** Values by metric: counts and deltas, or measured values. */
  readonly values?: Partial<Record<MetricName, number>>;
  /** Newest head timestamp (ms) for age metrics. */
  readonly last?: number;
  /** The resource was observed (its counts are 0 rather than absent). */
  readonly observe?: boolean;
  /** The interval cannot be trusted (node lost). */
  readonly suspect?: boolean;
  /** Counts taken back (blocks a reorganisation removed from the best chain): see Accumulator.retract. */
  readonly retract?: Partial<Record<MetricName, number>>;
}

export type Dispatch = (resource: string, s: Sample, now: number) => void;

function num(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function resourceOf(network: string, cls: string, key: string): string {
  return pathToResource([{ cls: 'network', keys: [network] }, { cls, keys: [key] }]);
}

export class Sampler {
  /** Measured resources present in the tree, by resource path. */
  readonly resources = new Map<string, Instance>();
  /** Last counter values per resource (node rpcErrors/bytesIn/bytesOut, contract calls/failedCalls). */
  private readonly counters = new Map<string, Map<string, number>>();
  /** Per ledger: timestamp (s) of the last block seen, newest head time (ms). */
  private readonly ledgers = new Map<string, { prevBlockTime?: number; headTime?: number }>();

  constructor(private readonly bridge: Bridge, private readonly dispatch: Dispatch) {}

  /** A measured resource of the tree: present at start (counters as they are) or new (counters from 0). */
  register(inst: Instance, isNew: boolean): void {
    const cls = inst.cls.name;
    if (!isResourceClass(cls)) return;
    const resource = inst.resource();
    this.resources.set(resource, inst);
    if (cls === 'contract') {
      // calls and failedCalls count since the bridge started: a contract added now starts from 0.
      this.delta(resource, 'calls', isNew ? 0 : num(inst.get('calls')) ?? 0);
      this.delta(resource, 'failedCalls', isNew ? 0 : num(inst.get('failedCalls')) ?? 0);
    }
  }

  /** A resource removed from the tree. */
  forget(inst: Instance): void {
    if (!isResourceClass(inst.cls.name)) return;
    const resource = inst.resource();
    if (this.resources.get(resource) !== inst) return;
    this.resources.delete(resource);
    this.counters.delete(resource);
    this.ledgers.delete(resource);
  }

  /** Difference of a counter since its last reading; a decrease is a reset (the new value is the delta). */
  private delta(resource: string, counter: string, value: number | undefined): number | undefined {
    if (value === undefined) return undefined;
    let m = this.counters.get(resource);
    if (!m) { m = new Map(); this.counters.set(resource, m); }
    const prev = m.get(counter);
    m.set(counter, value);
    if (prev === undefined) return undefined;
    return value >= prev ? value - prev : value;
  }

  block(e: { network: string; ledger: string; block: BlockSummary }, now: number): void {
    const resource = resourceOf(e.network, 'ledger', e.ledger);
    let l = this.ledgers.get(resource);
    if (!l) { l = {}; this.ledgers.set(resource, l); }
    const b = e.block;
    const gap = l.prevBlockTime === undefined ? undefined : Math.max(0, b.time - l.prevBlockTime);
    l.prevBlockTime = b.time;
    l.headTime = Math.max(l.headTime ?? 0, b.time * SECOND);
    this.dispatch(resource, {
      observe: true, last: l.headTime,
      values: { blocks: 1, transactions: b.txCount, tps: b.txCount, blockIntervalMean: gap, blockIntervalMax: gap },
    }, now);
  }

  /**
   * The blocks a reorganisation removed from the best chain were counted when they were added: they are
   * taken back, so blocks and transactions count the canonical chain (see Accumulator.retract).
   */
  reorg(e: { network: string; ledger: string; reorg: ReorgInfo }, now: number): void {
    const resource = resourceOf(e.network, 'ledger', e.ledger);
    const l = this.ledgers.get(resource);
    // The next block follows the common ancestor, not the last block seen: no interval to measure.
    if (l) l.prevBlockTime = undefined;
    const blocks = e.reorg.removedBlocks ?? 0;
    const tx = e.reorg.removedTransactions ?? 0;
    if (blocks > 0) this.dispatch(resource, { observe: true, retract: { blocks, transactions: tx, tps: tx } }, now);
  }

  polled(e: { network: string; node: string; result: PollResult }, now: number): void {
    const tree = this.bridge.tree;
    const r = e.result;
    const netPath: Path = [{ cls: 'network', keys: [e.network] }];
    const nodeRes = resourceOf(e.network, 'node', e.node);
    const nodeInst = tree.find([...netPath, { cls: 'node', keys: [e.node] }]);
    const errors = this.delta(nodeRes, 'rpcErrors', num(nodeInst?.get('rpcErrors'))) ?? 0;
    const values: Partial<Record<MetricName, number>> = { rpcErrors: r.ok ? errors : Math.max(1, errors) };
    if (r.ok && r.observation) {
      const o = r.observation;
      const peers = num(o.node.peerCount);
      if (peers !== undefined) Object.assign(values, { peerCountMin: peers, peerCountMean: peers, peerCountMax: peers });
      const pending = num(o.txPool?.pending);
      if (pending !== undefined) values.txPoolSize = pending;
      values.rpcLatencyMean = r.latencyMs;
      values.rpcLatencyP95 = r.latencyMs;
      values.bytesIn = this.delta(nodeRes, 'bytesIn', num(o.node.bytesIn));
      values.bytesOut = this.delta(nodeRes, 'bytesOut', num(o.node.bytesOut));
    }
    this.dispatch(nodeRes, { values, observe: true, suspect: !r.ok }, now);
    // The network's ledgers (observed when a poll succeeds) and contracts: lost when no node is reachable.
    const net = tree.find(netPath);
    if (!net) return;
    const lost = !r.ok && (num(net.get('reachableNodeCount')) ?? 0) === 0;
    for (const ledger of net.list('ledger')) {
      const resource = ledger.resource();
      let l = this.ledgers.get(resource);
      if (!l) { l = {}; this.ledgers.set(resource, l); }
      const head = num(ledger.get('headTime'));
      if (head !== undefined) l.headTime = Math.max(l.headTime ?? 0, head);
      this.dispatch(resource, { observe: r.ok, suspect: lost, last: l.headTime }, now);
    }
    if (lost) for (const c of net.list('contract')) this.dispatch(c.resource(), { suspect: true }, now);
  }

  /** A contract whose calls or failedCalls changed in the tree. */
  contractCounters(inst: Instance, now: number): void {
    const resource = inst.resource();
    if (!this.resources.has(resource)) this.register(inst, true);
    this.dispatch(resource, {
      observe: true,
      values: {
        contractCalls: this.delta(resource, 'calls', num(inst.get('calls'))),
        contractFailures: this.delta(resource, 'failedCalls', num(inst.get('failedCalls'))),
      },
    }, now);
  }
}
