/**
 * The detectors: from the live instance tree (and the collector's poll and reorganisation events) to one
 * signal per alarm condition, with the raise and clear levels of the effective policies. They keep only
 * what the tree does not hold (consecutive poll results, when a ledger's head last moved, recent contract
 * call counts; fork tips already seen are fork-detector.ts's); the hold-down state machines are the fault manager's.
 *
 * Every evaluation of a resource emits a signal for each alarm type that applies to it, 'hold' when the
 * value is unknown (node unreachable, value not reported), so that a hold-down wait never runs on stale data.
 */
import type { ReorgInfo } from '../collector/ledger-tracker';
import type { PollResult } from '../collector/node-poller';
import type { Instance, InstanceTree, Value } from '../state/tree';
import { CONSENSUS_DETECTORS, num } from './consensus-detectors';
import type { ConsensusDetector } from './consensus-detectors';
import { ForkDetector } from './fork-detector';
import { falling, rising } from './holddown';
import type { Signal } from './holddown';
import { MissedProposalTracker } from './missed-proposals';
import type { EventSink } from './missed-proposals';
import type { EffectivePolicy } from './policy';

export interface DetectedCondition {
  readonly type: string;
  readonly resource: string;
  readonly qualifier: string;
  readonly signal: Signal;
  /** Describes the observation: the problem when the signal is raise, the recovery when it is clear. */
  readonly text: string;
  readonly thresholdInfo?: string;
}

/** Small persistent memory (fault_meta) for what must survive a restart. */
export interface DetectorMemo {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  /** Writes several entries in one transaction. */
  setMany?(entries: ReadonlyMap<string, string>): void;
}

export interface DetectorHost {
  policy(type: string): EffectivePolicy;
  emit(c: DetectedCondition): void;
  readonly memo: DetectorMemo;
  /** Sends a model event (missedProposal); absent: events are not sent. */
  readonly event?: EventSink;
}

/** Calls counted by contractFailureRate: the share of reverts among the last WINDOW_CALLS calls. */
export const WINDOW_CALLS = 100;
/** Fewer calls than this in the window: no verdict. */
export const MIN_CALLS = 10;
/** Samples of (time, height) for learning a ledger's block interval. */
const MAX_HEIGHT_SAMPLES = 33;

interface PollCount { fails: number; oks: number; lastError: string | undefined }
interface HeadState { hash: string; lastChange: number; sawBlock: boolean; samples: { t: number; h: number }[] }
interface CallSample { calls: number; failed: number }

export { derivedQuorum, num } from './consensus-detectors';

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The qualifier of per-ledger alarms on a node: empty on single-ledger platforms (ledger "main"). */
export function ledgerQualifier(ledger: string): string {
  return ledger === 'main' ? '' : ledger;
}

export class Detectors {
  private readonly polls = new Map<string, PollCount>();
  private readonly heads = new Map<string, HeadState>();
  private readonly forks: ForkDetector;
  private readonly calls = new Map<string, CallSample[]>();
  private readonly missed: MissedProposalTracker;

  constructor(private readonly tree: InstanceTree, private readonly host: DetectorHost, private readonly now: () => number) {
    this.missed = new MissedProposalTracker(host.memo, host.event ?? (() => undefined));
    this.forks = new ForkDetector(host.memo, now);
  }

  // ---- event inputs --------------------------------------------------------------------------------

  /** A poll of a node finished (collector 'polled'). */
  onPolled(network: string, node: string, result: PollResult): void {
    const key = `network/${network}/node/${node}`;
    const c = this.polls.get(key) ?? { fails: 0, oks: 0, lastError: undefined };
    if (result.ok) { c.oks++; c.fails = 0; } else { c.fails++; c.oks = 0; c.lastError = result.error; }
    this.polls.set(key, c);
  }

  /** The tracked best chain of a ledger was reorganised (collector 'reorg'). */
  onReorg(network: string, ledger: string, r: ReorgInfo): void {
    const p = this.host.policy('forkDetected');
    if (p.enabled) this.forks.onReorg(network, ledger, r, p);
  }

  /** Forgets what was kept about a resource and everything under it (it was removed). */
  forget(prefix: string): void {
    const under = (k: string): boolean => k === prefix || k.startsWith(prefix + '/');
    for (const m of [this.polls, this.heads, this.calls] as Map<string, unknown>[]) for (const k of [...m.keys()]) if (under(k)) m.delete(k);
    this.missed.forget(under);
    this.forks.forget(under);
  }

  // ---- evaluation ----------------------------------------------------------------------------------

  /** Evaluates every detector of one network (a network instance of the tree). */
  evaluateNetwork(net: Instance): void {
    if (net.get('adminState') === 'locked') return;
    const name = String(net.keys[0]);
    const pollMs = (num(net.get('pollInterval')) ?? 5) * 1000;
    for (const node of net.list('node')) {
      if (node.get('adminState') === 'locked') continue;
      this.nodeUnreachable(name, node);
      this.peerCountLow(name, node);
      this.txPoolSaturation(name, node);
    }
    for (const ledger of net.list('ledger')) {
      this.blockProductionStalled(name, net, ledger, pollMs);
      const fp = this.enabled('forkDetected');
      if (fp) { const v = this.forks.evaluate(name, ledger, pollMs, fp); this.emit(fp.type, ledger.resource(), '', v.signal, v.text, v.thresholdInfo); }
      for (const nls of ledger.list('nodeLedgerState')) this.ledgerSyncLag(name, net, ledger, nls);
    }
    this.evaluateConsensus(name, net);
    for (const c of net.list('contract')) this.contractFailureRate(name, c);
    for (const ch of net.list('crossChainChannel')) this.crossChainBacklogStuck(name, ch);
  }

  /** The table of consensus detectors over the network, its nodes and its validator rows. */
  private evaluateConsensus(network: string, net: Instance): void {
    const cons = net.child('consensus');
    const now = this.now();
    const scopes = (d: ConsensusDetector): readonly Instance[] =>
      d.on === 'network' ? [net] : d.on === 'node' ? net.list('node').filter((n) => n.get('adminState') !== 'locked') : cons?.list('validator') ?? [];
    for (const d of CONSENSUS_DETECTORS) {
      const p = this.enabled(d.type);
      if (!p) continue;
      for (const it of scopes(d)) {
        const v = d.evaluate({ network, net, cons, it, now, missed: this.missed }, p);
        this.emit(d.type, it.resource(), '', v.signal, v.text, v.thresholdInfo);
      }
    }
    this.missed.flush();
  }

  /** Evaluates every network. */
  evaluateAll(): void {
    for (const net of this.tree.root.list('network')) this.evaluateNetwork(net);
  }

  private emit(type: string, resource: string, qualifier: string, signal: Signal, text: string, thresholdInfo?: string): void {
    this.host.emit({ type, resource, qualifier, signal, text, thresholdInfo });
  }

  private enabled(type: string): EffectivePolicy | undefined {
    const p = this.host.policy(type);
    return p.enabled ? p : undefined;
  }

  private nodeUnreachable(network: string, node: Instance): void {
    const p = this.enabled('nodeUnreachable');
    if (!p) return;
    const res = node.resource();
    const name = String(node.keys[0]);
    const c = this.polls.get(res);
    if (!c) { this.emit(p.type, res, '', 'hold', `node ${name} of network ${network} not polled yet`); return; }
    const raise = Math.max(1, p.raiseLevel);
    const clear = Math.max(1, p.clearLevel);
    if (c.fails >= raise) {
      this.emit(p.type, res, '', 'raise', `node ${name} of network ${network} does not answer: ${c.lastError ?? 'poll failed'}`,
        `${c.fails} consecutive failed polls >= raise level ${raise}`);
    } else if (c.oks >= clear) {
      this.emit(p.type, res, '', 'clear', `node ${name} of network ${network} answers again`, `${c.oks} consecutive successful polls >= clear level ${clear}`);
    } else {
      this.emit(p.type, res, '', 'hold', `node ${name} of network ${network}: ${c.fails} failed, ${c.oks} successful polls in a row`);
    }
  }

  private reachable(node: Instance | undefined): boolean {
    return node?.get('reachability') === 'reachable';
  }

  private peerCountLow(network: string, node: Instance): void {
    const p = this.enabled('peerCountLow');
    if (!p) return;
    const res = node.resource();
    const name = String(node.keys[0]);
    const peers = this.reachable(node) ? num(node.get('peerCount')) : undefined;
    if (peers === undefined) { this.emit(p.type, res, '', 'hold', `peer count of node ${name} unknown`); return; }
    const s = falling(peers, p.raiseLevel, p.clearLevel);
    this.emit(p.type, res, '', s,
      s === 'raise' ? `node ${name} of network ${network} has ${peers} peer(s)` : `node ${name} of network ${network} has ${peers} peer(s) again`,
      s === 'raise' ? `peer count ${peers} < raise level ${p.raiseLevel}` : `peer count ${peers}, clear level ${p.clearLevel}`);
  }

  private txPoolSaturation(network: string, node: Instance): void {
    const p = this.enabled('txPoolSaturation');
    if (!p) return;
    const res = node.resource();
    const name = String(node.keys[0]);
    const pending = this.reachable(node) ? num(node.child('txPool')?.get('pending')) : undefined;
    if (pending === undefined) { this.emit(p.type, res, '', 'hold', `transaction pool of node ${name} unknown`); return; }
    const s = rising(pending, p.raiseLevel, p.clearLevel);
    this.emit(p.type, res, '', s,
      s === 'raise' ? `transaction pool of node ${name} of network ${network} holds ${pending} pending transactions`
        : `transaction pool of node ${name} of network ${network} holds ${pending} pending transactions`,
      s === 'raise' ? `pending ${pending} >= raise level ${p.raiseLevel}` : `pending ${pending}, clear level ${p.clearLevel}`);
  }

  private ledgerSyncLag(network: string, net: Instance, ledger: Instance, nls: Instance): void {
    const p = this.enabled('ledgerSyncLag');
    if (!p) return;
    const nodeName = String(nls.keys[0]);
    const node = net.child('node', [nodeName]);
    if (!node || node.get('adminState') === 'locked') return;
    const res = node.resource();
    const lname = String(ledger.keys[0]);
    const q = ledgerQualifier(lname);
    const lag = this.reachable(node) && nls.get('syncState') !== 'unknown' ? num(nls.get('lag')) : undefined;
    if (lag === undefined) { this.emit(p.type, res, q, 'hold', `lag of node ${nodeName} unknown`); return; }
    const s = rising(lag, p.raiseLevel, p.clearLevel);
    const where = lname === 'main' ? `network ${network}` : `ledger ${lname} of network ${network}`;
    this.emit(p.type, res, q, s,
      s === 'raise' ? `node ${nodeName} is ${lag} blocks behind the best height of ${where}` : `node ${nodeName} is in sync with ${where} (${lag} blocks behind)`,
      s === 'raise' ? `lag ${lag} blocks >= raise level ${p.raiseLevel}` : `lag ${lag} blocks <= clear level ${p.clearLevel}`);
  }

  private blockProductionStalled(network: string, net: Instance, ledger: Instance, pollMs: number): void {
    const p = this.enabled('blockProductionStalled');
    if (!p) return;
    const res = ledger.resource();
    const lname = String(ledger.keys[0]);
    const now = this.now();
    const hash = str(ledger.get('headHash'));
    const height = num(ledger.get('height'));
    if (!hash || height === undefined) { this.emit(p.type, res, '', 'hold', `head of ledger ${lname} unknown`); return; }
    let st = this.heads.get(res);
    if (!st) {
      // The block timestamp tells how old the head already is (a chain that stalled before the bridge started).
      const headTime = num(ledger.get('headTime'));
      st = { hash, lastChange: headTime !== undefined && headTime < now ? headTime : now, sawBlock: false, samples: [{ t: now, h: height }] };
      this.heads.set(res, st);
    } else if (st.hash !== hash) {
      st.hash = hash;
      st.lastChange = now;
      st.sawBlock = true;
      st.samples.push({ t: now, h: height });
      if (st.samples.length > MAX_HEIGHT_SAMPLES) st.samples.shift();
    }
    if ((num(net.get('reachableNodeCount')) ?? 0) === 0) { this.emit(p.type, res, '', 'hold', `no reachable node on network ${network}`); return; }
    const configured = num(net.get('expectedBlockInterval')) ?? 0;
    const expected = configured > 0 ? configured : learntInterval(st.samples);
    if (expected === undefined) { this.emit(p.type, res, '', 'hold', `block interval of ledger ${lname} not learnt yet`); return; }
    // Never less than two poll intervals: the bridge cannot see a block sooner than its next poll.
    const thresholdS = Math.max(p.raiseLevel * expected, (2 * pollMs) / 1000);
    const elapsedS = (now - st.lastChange) / 1000;
    const how = configured > 0 ? 'configured' : 'learnt';
    if (elapsedS >= thresholdS) {
      this.emit(p.type, res, '', 'raise',
        `no new block on ledger ${lname} of network ${network} for ${Math.round(elapsedS)} s (expected every ${fmt(expected)} s, ${how}); head at height ${height}`,
        `${Math.round(elapsedS)} s without a block >= ${p.raiseLevel} x expected interval ${fmt(expected)} s`);
    } else if (st.sawBlock) {
      this.emit(p.type, res, '', 'clear', `ledger ${lname} of network ${network} produces blocks again (height ${height})`);
    } else {
      this.emit(p.type, res, '', 'hold', `no block seen on ledger ${lname} yet`);
    }
  }

  private contractFailureRate(network: string, c: Instance): void {
    const p = this.enabled('contractFailureRate');
    if (!p) return;
    const res = c.resource();
    const calls = num(c.get('calls'));
    const failed = num(c.get('failedCalls'));
    if (calls === undefined || failed === undefined) { this.emit(p.type, res, '', 'hold', 'call counts unknown'); return; }
    let samples = this.calls.get(res);
    if (!samples) { samples = [{ calls: 0, failed: 0 }]; this.calls.set(res, samples); }
    const last = samples[samples.length - 1];
    if (calls < last.calls) { samples.length = 0; samples.push({ calls: 0, failed: 0 }); } // counters restarted
    if (calls !== samples[samples.length - 1].calls) samples.push({ calls, failed });
    // The window starts at the latest sample at least WINDOW_CALLS calls back (or the oldest one kept).
    let from = samples[0];
    for (let i = samples.length - 1; i >= 0; i--) if (calls - samples[i].calls >= WINDOW_CALLS) { from = samples[i]; break; }
    let drop = 0;
    while (drop < samples.length - 1 && samples[drop] !== from) drop++;
    if (drop > 0) samples.splice(0, drop);
    const n = calls - from.calls;
    const name = str(c.get('name')) || String(c.keys[0]);
    if (n < MIN_CALLS) { this.emit(p.type, res, '', 'hold', `${n} call(s) of contract ${name} seen, too few to judge`); return; }
    const pct = ((failed - from.failed) * 100) / n;
    const s = rising(pct, p.raiseLevel, p.clearLevel);
    this.emit(p.type, res, '', s,
      `${fmt(pct)} % of the last ${n} calls of contract ${name} on network ${network} reverted`,
      s === 'raise' ? `${fmt(pct)} % reverted >= raise level ${p.raiseLevel} %` : `${fmt(pct)} % reverted, clear level ${p.clearLevel} %`);
  }

  private crossChainBacklogStuck(network: string, ch: Instance): void {
    const p = this.enabled('crossChainBacklogStuck');
    if (!p) return;
    const res = ch.resource();
    const name = String(ch.keys[0]);
    const stuck = p.raiseLevel > 0 ? p.raiseLevel : (num(ch.get('stuckThreshold')) ?? 60);
    const clearAt = p.clearLevel > 0 ? p.clearLevel : stuck;
    const age = num(ch.get('oldestPendingAge'));
    const pending = num(ch.get('pending'));
    if (age === undefined) {
      this.emit(p.type, res, '', pending === 0 ? 'clear' : 'hold', pending === 0 ? `nothing pending on channel ${name}` : `backlog of channel ${name} unknown`);
      return;
    }
    const s: 'raise' | 'clear' | 'hold' = age > stuck ? 'raise' : age <= clearAt || pending === 0 ? 'clear' : 'hold';
    this.emit(p.type, res, '', s,
      s === 'raise' ? `oldest of ${pending ?? '?'} pending message(s) on cross-chain channel ${name} of network ${network} is ${age} s old`
        : `cross-chain channel ${name} of network ${network} delivers again (oldest pending ${age} s)`,
      s === 'raise' ? `oldest pending age ${age} s > ${stuck} s` : `oldest pending age ${age} s <= ${clearAt} s`);
  }
}

/** Mean time between blocks (seconds) over the samples, once at least 3 blocks were seen. */
export function learntInterval(samples: readonly { t: number; h: number }[]): number | undefined {
  if (samples.length < 2) return undefined;
  const a = samples[0];
  const b = samples[samples.length - 1];
  const blocks = b.h - a.h;
  if (blocks < 3) return undefined;
  return (b.t - a.t) / 1000 / blocks;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
