/**
 * The consensus detectors (clause 7.3.2, "consensus node anomalies"), as one table: each row names its
 * alarm type, the instances it is evaluated on (the network, each node, each validator row) and turns the
 * live values of one instance into a verdict (signal, text, threshold information) with the levels of the
 * effective policy. The fault manager's hold-down and hysteresis machinery does the rest, and the views
 * (SNMP traps and informs, NETCONF alarm notifications, the alarm list) are the same as for every alarm.
 *
 *   consensusQuorumAtRisk  network    Clique/BFT/PoW: active validators minus quorum; beacon: participation minus 2/3
 *   finalityStalled        network    beacon: epochsSinceFinality
 *   beaconNotSynced        node       beacon: syncDistance (or the node says it is syncing)
 *   validatorOffline       validator  beacon: offlineEpochs of an active validator
 *   missedProposal         validator  missedSlots grown in the window (and one missedProposal event per missed slot)
 */
import type { Instance, Value } from '../state/tree';
import type { Signal } from './holddown';
import { falling, rising } from './holddown';
import type { EffectivePolicy } from './policy';

/** What a consensus detector says about one instance. */
export interface Verdict {
  readonly signal: Signal;
  readonly text: string;
  readonly thresholdInfo?: string;
}

/** The instance a detector looks at, with its network around it. */
export interface Scope {
  readonly network: string;
  readonly net: Instance;
  readonly cons: Instance | undefined;
  /** The network, a node or a validator row (per the detector's `on`). */
  readonly it: Instance;
  readonly now: number;
  readonly missed: MissedProposals;
}

export interface ConsensusDetector {
  readonly type: string;
  readonly on: 'network' | 'node' | 'validator';
  evaluate(s: Scope, p: EffectivePolicy): Verdict;
}

/** Where the missed proposals of a validator are remembered and reported (persistent memo, event bus). */
export interface MissedProposals {
  /** Missed proposals of a validator in the window [position - window, position], after taking in its counter. */
  inWindow(s: Scope): { count: number; window: number; position: number } | undefined;
}

export function num(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(v)) return Number(v);
  return undefined;
}

function str(v: Value | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/** Quorum of a consensus algorithm with n validators when the configuration leaves it 0 (model: consensus.quorum). */
export function derivedQuorum(algorithm: string | undefined, n: number): number {
  const a = (algorithm ?? '').toLowerCase();
  if (n <= 0) return 1;
  if (/(qbft|ibft|bft|tendermint|hotstuff|aura)/.test(a)) return 2 * Math.floor((n - 1) / 3) + 1;
  if (a === 'clique' || a === 'poa') return Math.floor(n / 2) + 1;
  return 1;
}

/** Share of the validators (percent) a beacon network needs: two thirds, or the configured quorum of validatorCount. */
export function quorumShare(configured: number, validatorCount: number | undefined): number {
  if (configured > 0 && validatorCount !== undefined && validatorCount > 0) return Math.min(100, (configured * 100) / validatorCount);
  return 200 / 3;
}

const hold = (text: string): Verdict => ({ signal: 'hold', text });

function reachable(net: Instance): boolean {
  return (num(net.get('reachableNodeCount')) ?? 0) > 0;
}

/** A beacon validator status that attests (active_ongoing, active_exiting, active_slashed). */
function attesting(status: string | undefined): boolean {
  return status === undefined || status.startsWith('active');
}

function validatorName(v: Instance): string {
  const id = String(v.keys[0]);
  return id.length > 20 ? `${id.slice(0, 12)}...${id.slice(-6)}` : id;
}

const consensusQuorumAtRisk: ConsensusDetector = {
  type: 'consensusQuorumAtRisk', on: 'network',
  evaluate({ network, net, cons }, p) {
    if (!cons || !reachable(net)) return hold(`consensus of network ${network} unknown`);
    const configured = num(cons.get('quorum')) ?? 0;
    const n = num(cons.get('validatorCount'));
    const participation = num(cons.get('participationRate'));
    if (participation !== undefined) {
      // Beacon networks: the attestations of the previous epoch against two thirds of the active validators.
      const share = quorumShare(configured, n);
      const margin = participation - share;
      const s = falling(margin, p.raiseLevel, p.clearLevel);
      const how = configured > 0 && n ? `quorum ${configured} of ${n} validators` : 'two thirds of the active validators';
      return {
        signal: s,
        text: `network ${network}: ${fmt(participation)} % of the validators attested in the previous epoch, ${s === 'raise' ? 'below' : 'for'} ${fmt(share)} % needed (${how})`,
        thresholdInfo: `margin ${fmt(margin)} points (participation ${fmt(participation)} % - quorum ${fmt(share)} %), raise below ${p.raiseLevel}, clear at ${p.clearLevel}`,
      };
    }
    // Beacon networks count only the configured validators as active: participation is the measure, or nothing.
    if (net.get('platform') === 'beacon' || cons.get('epoch') !== undefined) return hold(`participation of network ${network} unknown`);
    const active = num(cons.get('activeValidators'));
    if (active === undefined) return hold(`active validators of network ${network} unknown`);
    // The window fills from the bridge's start (no history is read): no block seen yet is no verdict.
    if ((num(cons.get('windowBlocks')) ?? 0) === 0) return hold(`no block of network ${network} seen yet`);
    const count = n ?? active;
    const algorithm = str(cons.get('algorithm'));
    const quorum = configured > 0 ? configured : derivedQuorum(algorithm, count);
    const margin = active - quorum;
    const s = falling(margin, p.raiseLevel, p.clearLevel);
    const how = configured > 0 ? 'configured' : `derived for ${algorithm ?? 'an unknown algorithm'} with ${count} validator(s)`;
    return {
      signal: s,
      text: s === 'raise' ? `network ${network} has ${active} active validator(s) for a quorum of ${quorum} (${how})`
        : `network ${network} has ${active} active validator(s) for a quorum of ${quorum}`,
      thresholdInfo: `margin ${margin} (active ${active} - quorum ${quorum}), raise below ${p.raiseLevel}, clear at ${p.clearLevel}`,
    };
  },
};

const finalityStalled: ConsensusDetector = {
  type: 'finalityStalled', on: 'network',
  evaluate({ network, net, cons }, p) {
    const since = cons && reachable(net) ? num(cons.get('epochsSinceFinality')) : undefined;
    if (since === undefined) return hold(`finality of network ${network} unknown`);
    const fin = num(cons?.get('finalizedEpoch'));
    const s = rising(since, p.raiseLevel, p.clearLevel);
    return {
      signal: s,
      text: s === 'raise' ? `network ${network}: no new finalized epoch for ${since} epochs (finalized epoch ${fin ?? '?'})`
        : `network ${network} finalizes again: ${since} epochs since finality (finalized epoch ${fin ?? '?'})`,
      thresholdInfo: s === 'raise' ? `${since} epochs since finality >= raise level ${p.raiseLevel}` : `${since} epochs since finality, clear level ${p.clearLevel}`,
    };
  },
};

const beaconNotSynced: ConsensusDetector = {
  type: 'beaconNotSynced', on: 'node',
  evaluate({ network, net, it: node }, p) {
    const name = String(node.keys[0]);
    const distance = num(node.get('syncDistance'));
    if (distance === undefined && net.get('platform') !== 'beacon') return hold(`node ${name} is not a beacon node`);
    if (node.get('reachability') !== 'reachable' || distance === undefined) return hold(`sync state of beacon node ${name} unknown`);
    const syncing = node.get('syncing') === true;
    const s: Signal = syncing || distance >= p.raiseLevel ? 'raise' : distance <= p.clearLevel ? 'clear' : 'hold';
    return {
      signal: s,
      text: s === 'raise' ? `beacon node ${name} of network ${network} is ${distance} slot(s) behind the clock${syncing ? ', syncing' : ''}`
        : `beacon node ${name} of network ${network} is in sync (${distance} slot(s) behind the clock)`,
      thresholdInfo: s === 'raise' ? `sync distance ${distance} slots${syncing ? ' (node syncing)' : ''}, raise level ${p.raiseLevel}`
        : `sync distance ${distance} slots, clear level ${p.clearLevel}`,
    };
  },
};

const validatorOffline: ConsensusDetector = {
  type: 'validatorOffline', on: 'validator',
  evaluate({ network, net, it: v }, p) {
    const name = validatorName(v);
    const offline = reachable(net) ? num(v.get('offlineEpochs')) : undefined;
    if (offline === undefined) return hold(`liveness of validator ${name} unknown`);
    const status = str(v.get('status'));
    if (!attesting(status)) return { signal: 'clear', text: `validator ${name} of network ${network} is not active (${status}): no attestation expected` };
    const s = rising(offline, p.raiseLevel, p.clearLevel);
    return {
      signal: s,
      text: s === 'raise' ? `validator ${name} of network ${network} missed its attestations for ${offline} consecutive epoch(s)`
        : `validator ${name} of network ${network} attests again`,
      thresholdInfo: s === 'raise' ? `${offline} epochs not live >= raise level ${p.raiseLevel}` : `${offline} epochs not live, clear level ${p.clearLevel}`,
    };
  },
};

const missedProposal: ConsensusDetector = {
  type: 'missedProposal', on: 'validator',
  evaluate(scope, p) {
    const { network, it: v } = scope;
    const name = validatorName(v);
    const w = reachable(scope.net) ? scope.missed.inWindow(scope) : undefined;
    if (!w) return hold(`missed proposals of validator ${name} unknown`);
    const s = rising(w.count, p.raiseLevel, p.clearLevel);
    return {
      signal: s,
      text: s === 'raise' ? `validator ${name} of network ${network} missed ${w.count} proposal(s) in the last ${w.window} slots`
        : `validator ${name} of network ${network} missed ${w.count} proposal(s) in the last ${w.window} slots`,
      thresholdInfo: s === 'raise' ? `${w.count} missed in the window >= raise level ${p.raiseLevel}` : `${w.count} missed in the window, clear level ${p.clearLevel}`,
    };
  },
};

/** The table: every consensus detector, in the order they are evaluated. */
export const CONSENSUS_DETECTORS: readonly ConsensusDetector[] = [
  consensusQuorumAtRisk, finalityStalled, beaconNotSynced, validatorOffline, missedProposal,
];
