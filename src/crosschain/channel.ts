/**
 * One cross-chain channel (clause 7.3.4): messages sent on the source network matched, by message id,
 * with their delivery on the counterparty network. No I/O here: the manager feeds events and persists.
 *
 * Times are the bridge's OBSERVATION times (when the collector reported the block holding the event),
 * not block timestamps: the two chains' clocks and block timestamps need not agree (a development chain
 * with sub-second blocks runs its timestamps ahead of the wall clock), while the bridge's clock is one.
 * So oldestPendingAge = now - when the oldest pending send was seen, meanRelayLatency = mean of (when the
 * delivery was seen - when the send was seen), resolution about one poll interval; lastRelayed = when the
 * last delivery was seen. A delivery seen before its send (the source network polled later) counts with
 * latency 0.
 *
 * Bounds: at most maxPending pending ids (default MAX_PENDING = 100 000): beyond, the oldest is dropped
 * and counted (dropped); at most MAX_EARLY deliveries whose send is not seen (yet) are remembered
 * (deliveries of messages sent before the bridge watched never match), and MAX_EARLY ids delivered
 * recently (so that a send or delivery seen again, e.g. after a reorganisation, is not counted twice),
 * oldest forgotten first.
 */
import type { Values } from '../state/tree';
import { keccakText } from '../contract/keccak';
import type { ChannelRow, PendingRow } from './store';

export const MAX_PENDING = 100_000;
export const MAX_EARLY = 10_000;

export interface ChannelConfig {
  /** Source network (the channel is configured under it). */
  readonly network: string;
  readonly name: string;
  readonly counterparty: string;
  readonly protocol: string;
  readonly sourceContract: string;
  readonly destContract: string;
  readonly sentEvent: string;
  readonly receivedEvent: string;
  /** Seconds. */
  readonly stuckThreshold: number;
  readonly sentTopic: string;
  readonly receivedTopic: string;
}

export type CodeState = 'unknown' | 'present' | 'gone';
export type RelayerState = 'unknown' | 'alive' | 'stalled';

/** topics[0] of an event signature ("MessageSent(bytes32,address,bytes)"; blanks ignored), or a topic given as 32 hex octets. */
export function eventTopic(signature: string): string {
  if (/^0x[0-9a-fA-F]{64}$/.test(signature)) return signature.toLowerCase();
  return keccakText(signature.replace(/\s+/g, ''));
}

/** What identifies a channel's traffic: another value makes the stored counters and pending ids meaningless. */
export function fingerprint(c: ChannelConfig): string {
  return [c.counterparty, c.sourceContract, c.destContract, c.sentTopic, c.receivedTopic].join('|');
}

function emptyRow(fp: string): ChannelRow {
  return { fingerprint: fp, sent: 0, received: 0, dropped: 0, latencySum: 0, latencyCount: 0, lastRelayed: undefined,
    srcHeight: undefined, srcHash: undefined, dstHeight: undefined, dstHash: undefined };
}

export class Channel {
  /** Pending message ids → when the send was seen (ms), oldest first. */
  readonly pending = new Map<string, number>();
  /** Deliveries whose send was not seen: id → when seen. */
  private readonly early = new Map<string, number>();
  /** Ids delivered recently: a send or delivery seen again (a reorganisation, a catch-up overlap) is not news. */
  private readonly done = new Set<string>();
  row: ChannelRow;
  /** Changes not yet persisted. */
  added: PendingRow[] = [];
  removed: string[] = [];
  clearStored = false;
  dirty = false;
  srcCode: CodeState = 'unknown';
  dstCode: CodeState = 'unknown';
  lastCodeCheck = 0;
  checking = false;
  /** Whether the gap since the last block handled before a restart was looked at, per side. */
  readonly resumed = { src: false, dst: false };
  /** Whether the last catch-up of a side failed (its warning is not repeated at every block). */
  readonly catchUpFailing = { src: false, dst: false };

  constructor(public cfg: ChannelConfig, private readonly maxPending: number = MAX_PENDING, stored?: { row: ChannelRow; pending: readonly PendingRow[] }) {
    const fp = fingerprint(cfg);
    if (stored && stored.row.fingerprint === fp) {
      this.row = { ...stored.row };
      for (const p of stored.pending) this.pending.set(p.id, p.seen);
    } else {
      this.row = emptyRow(fp);
      this.clearStored = stored !== undefined;
      this.dirty = true;
    }
  }

  /** Starts afresh: counters zero, nothing pending (chain replaced, or a new identity). */
  reset(): void {
    this.row = emptyRow(fingerprint(this.cfg));
    this.pending.clear();
    this.early.clear();
    this.done.clear();
    this.added = [];
    this.removed = [];
    this.clearStored = true;
    this.dirty = true;
  }

  /** A sent event with message id `id`, seen at `at` (ms). */
  sent(id: string, at: number): void {
    if (this.pending.has(id) || this.done.has(id)) return;
    this.dirty = true;
    const deliveredAt = this.early.get(id);
    if (deliveredAt !== undefined) {
      this.early.delete(id);
      this.row.sent++;
      this.delivered(id, Math.max(0, deliveredAt - at), deliveredAt);
      return;
    }
    this.row.sent++;
    this.pending.set(id, at);
    this.added.push({ id, seen: at });
    while (this.pending.size > this.maxPending) {
      const oldest = this.pending.keys().next().value as string;
      this.pending.delete(oldest);
      this.removed.push(oldest);
      this.row.dropped++;
    }
  }

  /** A received event with message id `id`, seen at `at` (ms). */
  received(id: string, at: number): void {
    const sentAt = this.pending.get(id);
    if (sentAt === undefined) {
      if (this.early.has(id) || this.done.has(id)) return;
      this.early.set(id, at);
      if (this.early.size > MAX_EARLY) this.early.delete(this.early.keys().next().value as string);
      return;
    }
    this.pending.delete(id);
    this.removed.push(id);
    this.delivered(id, Math.max(0, at - sentAt), at);
  }

  private delivered(id: string, latencyMs: number, at: number): void {
    this.done.add(id);
    if (this.done.size > MAX_EARLY) this.done.delete(this.done.values().next().value as string);
    this.dirty = true;
    this.row.received++;
    this.row.latencySum += latencyMs;
    this.row.latencyCount++;
    this.row.lastRelayed = Math.max(this.row.lastRelayed ?? 0, at);
  }

  /** Age of the oldest pending message, seconds (0 when nothing is pending). */
  oldestPendingAge(now: number): number {
    const first = this.pending.values().next();
    return first.done ? 0 : Math.max(0, Math.floor((now - first.value) / 1000));
  }

  /**
   * The relayer as the traffic shows it (model: RelayerState): stalled when messages are pending, the
   * oldest has waited longer than the stuck threshold and nothing was delivered within it; alive when a
   * delivery was seen and nothing is pending, or the last delivery or the oldest pending message is
   * within the threshold; unknown otherwise (no delivery seen yet).
   */
  relayerState(now: number): RelayerState {
    const thr = this.cfg.stuckThreshold * 1000;
    const last = this.row.lastRelayed;
    const recent = last !== undefined && now - last <= thr;
    const first = this.pending.values().next();
    const oldestWait = first.done ? 0 : now - first.value;
    if (!first.done && oldestWait > thr && !recent) return 'stalled';
    if (last !== undefined && (first.done || recent || oldestWait <= thr)) return 'alive';
    return 'unknown';
  }

  /** State of the channel (model: ChannelState). */
  channelState(reachable: boolean): 'unknown' | 'open' | 'closed' {
    if (this.srcCode === 'gone' || this.dstCode === 'gone') return 'closed';
    if (this.srcCode === 'present' && this.dstCode === 'present' && reachable) return 'open';
    return 'unknown';
  }

  /** The channel's instance values (configuration and state). */
  values(now: number, reachable: boolean): Values {
    const c = this.cfg;
    const r = this.row;
    return {
      name: c.name,
      counterparty: c.counterparty,
      protocol: c.protocol,
      sourceContract: c.sourceContract,
      destContract: c.destContract,
      sentEvent: c.sentEvent,
      receivedEvent: c.receivedEvent,
      stuckThreshold: c.stuckThreshold,
      state: this.channelState(reachable),
      sent: BigInt(r.sent),
      received: BigInt(r.received),
      pending: BigInt(this.pending.size),
      oldestPendingAge: this.oldestPendingAge(now),
      meanRelayLatency: r.latencyCount ? Math.round(r.latencySum / r.latencyCount) : undefined,
      lastRelayed: r.lastRelayed,
      relayerState: this.relayerState(now),
    };
  }

  /** Takes the unsaved pending changes. */
  takeChanges(): { added: PendingRow[]; removed: string[]; clear: boolean } {
    // An id added and removed before a save need not reach the database at all.
    const gone = new Set(this.removed);
    const added = this.added.filter((p) => !gone.has(p.id));
    const addedIds = new Set(this.added.map((p) => p.id));
    const removed = this.removed.filter((id) => !addedIds.has(id));
    const out = { added, removed, clear: this.clearStored };
    this.added = [];
    this.removed = [];
    this.clearStored = false;
    this.dirty = false;
    return out;
  }
}
