/**
 * Polls one node on its network's interval, at most one poll in flight, and writes what it learns to
 * the instance tree. A failed poll marks the node unreachable and its last values stale; the next
 * successful poll recovers it.
 */
import type { ChainAdapter, KnownBlocks, NodeObservation } from '../chains/adapter';
import type { NodeSettings } from '../config/settings';
import type { InstanceTree, Path } from '../state/tree';

export interface PollResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly observation?: NodeObservation;
  readonly error?: string;
}

export interface PollerHost {
  readonly tree: InstanceTree;
  /** Blocks the network's collector holds: an adapter takes a head it would ask by hash from here. */
  readonly known?: KnownBlocks;
  /** Current poll interval of the node's network, in milliseconds (read at every cycle). */
  intervalMs(): number;
  /** Called after every poll, successful or not. */
  polled(poller: NodePoller, result: PollResult, wasReachable: boolean | undefined): void;
}

/** A fraction in [0, 1) fixed by the text (FNV-1a): where in the interval a node's polls fall. */
export function phaseOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h / 0x100000000;
}

export class NodePoller {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private stopped = false;
  private nextDue = 0;
  /** Result of the last successful poll (kept while unreachable: the stale values). */
  last: NodeObservation | undefined;
  reachable: boolean | undefined;
  lastError: string | undefined;
  /** Height at the previous successful poll and when the height last increased (ms). */
  prevHeight: number | undefined;
  lastHeightChange: number | undefined;
  skippedCycles = 0;
  polls = 0;
  /** New heads received over the node's subscription (Ethereum newHeads over WebSocket). */
  heads = 0;
  private unsubscribe: (() => void) | undefined;
  private lastPollStart = 0;

  constructor(
    readonly network: string,
    public settings: NodeSettings,
    public adapter: ChainAdapter,
    private readonly host: PollerHost,
  ) {}

  get path(): Path {
    return [{ cls: 'network', keys: [this.network] }, { cls: 'node', keys: [this.settings.name] }];
  }

  /**
   * Starts polling: the first poll at once, or after delayMs (the network staggers its nodes' first polls).
   * From the second poll on, each node keeps a phase of its own within the interval (phaseOf: from its network
   * and name), so a thousand nodes are not polled in one burst and the first poll to see a new block fetches
   * it for the others of its network (KnownBlocks).
   */
  start(delayMs = 0): void {
    if (this.timer && !this.stopped) return;
    this.stopped = false;
    this.nextDue = Date.now() + delayMs - phaseOf(`${this.network}/${this.settings.name}`) * Math.max(100, this.host.intervalMs());
    if (delayMs <= 0) { this.tick(); return; }
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref?.();
  }

  /**
   * Where the node pushes new heads, a head triggers a poll at once (at most one a second), so new blocks
   * are seen without waiting for the interval. A lost subscription is tried again at the next cycle.
   */
  private subscribe(): void {
    if (this.unsubscribe || this.stopped || !this.adapter.subscribeHeads) return;
    this.unsubscribe = this.adapter.subscribeHeads(() => {
      this.heads++;
      if (!this.inFlight && Date.now() - this.lastPollStart >= 1000) void this.pollOnce();
    }, () => { this.unsubscribe = undefined; });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.stopped) return;
    this.subscribe();
    void this.pollOnce();
    const interval = Math.max(100, this.host.intervalMs());
    this.nextDue += interval;
    const now = Date.now();
    if (this.nextDue < now) this.nextDue = now + interval; // fell behind: do not burst
    this.timer = setTimeout(() => this.tick(), this.nextDue - now);
    this.timer.unref?.();
  }

  /** One poll; returns at once when one is already in flight. */
  async pollOnce(): Promise<void> {
    if (this.inFlight) { this.skippedCycles++; return; }
    this.inFlight = true;
    const started = Date.now();
    this.lastPollStart = started;
    let result: PollResult;
    try {
      const obs = await this.adapter.poll(this.host.known);
      result = { ok: true, latencyMs: Date.now() - started, observation: obs };
    } catch (e) {
      result = { ok: false, latencyMs: Date.now() - started, error: (e as Error).message || String(e) };
    } finally {
      this.inFlight = false;
    }
    if (this.stopped) return;
    this.polls++;
    const was = this.reachable;
    try {
      this.record(result);
    } catch (e) {
      // A value the tree refuses is a bug in an adapter: report it as a poll failure, never crash.
      result = { ok: false, latencyMs: result.latencyMs, error: `bad observation: ${(e as Error).message}` };
      this.record(result);
    }
    this.host.polled(this, result, was);
  }

  private record(r: PollResult): void {
    const tree = this.host.tree;
    const now = Date.now();
    const stats = this.adapter.stats();
    if (r.ok && r.observation) {
      const obs = r.observation;
      const height = obs.head.height;
      if (this.prevHeight === undefined || height !== this.prevHeight) this.lastHeightChange = now;
      this.prevHeight = height;
      this.last = obs;
      this.reachable = true;
      tree.set(this.path, {
        ...obs.node,
        height: BigInt(height),
        reachability: 'reachable', operState: 'enabled', stale: false, lastObserved: now,
        rpcLatency: stats.lastLatencyMs, rpcErrors: BigInt(stats.errors),
      }, now);
      tree.replaceList(this.path, 'peer', obs.peers.map((p, i) => ({ keys: [i + 1], values: p })), now);
      if (obs.txPool) tree.set([...this.path, { cls: 'txPool' }], obs.txPool, now);
      else tree.remove([...this.path, { cls: 'txPool' }]);
      tree.set([...this.path, { cls: 'nodeLogControl' }], { supported: obs.logControlSupported }, now);
    } else {
      this.reachable = false;
      this.lastError = r.error;
      tree.set(this.path, {
        reachability: 'unreachable', operState: 'disabled', stale: this.last !== undefined, lastError: r.error,
        rpcErrors: BigInt(stats.errors),
      }, now);
    }
  }
}
