/**
 * Performance management (clause 7.2.3; RFC 3593 PerfHist-TC-MIB and 3GPP PerfMetricJob style).
 *
 * Measurement jobs come from the running configuration. Each job measures, per resource (ledger, node,
 * contract) and applicable metric, a current interval aligned to wall-clock multiples of its granularity,
 * up to 96 closed intervals (number 1 the most recent, persisted in SQLite) and a 24-hour value.
 * Samples come from the collector's events (block, polled, reorg) and from the tree (contract counters);
 * thresholds are checked on samples or at interval close and report thresholdCrossed through an
 * AlarmReporter.
 *
 * Samples: see ./samples.ts; interval values and 24-hour aggregation: see ./metrics.ts.
 *
 * Suspect intervals: an interval is suspect when measuring began after it started (bridge start, job
 * added or unlocked, resource appeared, granularity changed), when the job's configuration changed during
 * it, when a node was unreachable at a poll during it (its node's pairs; a ledger's and its contracts'
 * pairs when no node of the network was reachable), when the resource was never observed during it, and
 * when the bridge was down or the job locked during it (such intervals are filled in with no value).
 * At shutdown the current interval is saved; a restart within the same interval resumes it (suspect), a
 * later restart closes it (suspect) and fills the periods in between.
 *
 * Thresholds: 'current' thresholds are checked at every sample of a covered pair and with the closing value;
 * 'closed' ones with the closing value only. A new interval starts from nothing, but a crossing stays raised
 * until a check sees the value back at the clear level (for a count with check current that is usually the
 * first sample of the next interval). Only changes are reported, except that crossings persisted by the
 * previous run are reported again once at start.
 *
 * Layout: ./job.ts (job configuration, pairs), ./job-table.ts (jobs and pairs kept in line with the
 * configuration and the resources; samples applied), ./samples.ts (samples from the collector and the tree),
 * ./history.ts (interval closing, gap filling, history renumbering), ./threshold-monitor.ts (threshold
 * checks and reports), ./render.ts (what the tree shows), ./store.ts (SQLite); this file wires them to the
 * bridge's events and runs the timer.
 */
import type { Bridge, View } from '../bridge';
import type { BlockSummary } from '../chains/adapter';
import type { ReorgInfo } from '../collector/ledger-tracker';
import type { PollResult } from '../collector/node-poller';
import type { ConfigObject } from '../config/document';
import type { AlarmReporter } from '../events';
import type { Instance } from '../state/tree';
import { IntervalHistory } from './history';
import { SECOND } from './interval';
import type { Job } from './job';
import { PERF, jobsOf } from './job';
import { JobTable } from './job-table';
import { isResourceClass } from './metrics';
import { Sampler } from './samples';
import { PmStore } from './store';
import { ThresholdMonitor } from './threshold-monitor';
import { thresholdsOf } from './thresholds';

export { jobsOf } from './job';
export type { JobConfig } from './job';

export interface PmOptions {
  /** Clock, ms since the epoch (tests). */
  readonly now?: () => number;
  /** Run the one-second timer that closes intervals and refreshes current values (default true). */
  readonly timer?: boolean;
  /**
   * Pairs whose history rows are renumbered per event-loop turn after an interval closes (default 200): a large
   * job's renumbering is spread over several turns so that the views stay responsive.
   */
  readonly summarySlice?: number;
}

export class PerformanceManager implements View {
  readonly name = 'pm';
  private readonly store: PmStore;
  private readonly now: () => number;
  private readonly thresholds: ThresholdMonitor;
  /** Samples from the collector and the tree; the measured resources. */
  private readonly sampler: Sampler;
  private readonly table: JobTable;
  private started = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bridge: Bridge, reporter?: AlarmReporter, private readonly opts: PmOptions = {}) {
    this.store = new PmStore(bridge.db);
    this.now = opts.now ?? Date.now;
    const jobs = new Map<string, Job>();
    this.thresholds = new ThresholdMonitor(bridge, this.store, reporter, jobs);
    this.sampler = new Sampler(bridge, (resource, s, now) => this.table.dispatch(resource, s, now));
    const history = new IntervalHistory({
      bridge, store: this.store, thresholds: this.thresholds, jobs, resources: this.sampler.resources,
      now: () => this.now(), running: () => this.started, summarySlice: opts.summarySlice ?? 200,
    });
    this.table = new JobTable(bridge, this.store, jobs, this.thresholds, history, this.sampler.resources);
  }

  // ---------------------------------------------------------------- lifecycle

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const now = this.now();
    for (const cls of ['ledger', 'node', 'contract'] as const) {
      for (const inst of this.bridge.tree.instances(cls)) this.sampler.register(inst, false);
    }
    this.configure(this.bridge.running, now, true);
    this.bridge.datastore.on('committed', this.onCommitted);
    const c = this.bridge.collector;
    c.on('block', this.onBlock);
    c.on('polled', this.onPolled);
    c.on('reorg', this.onReorg);
    const t = this.bridge.tree;
    t.on('added', this.onAdded);
    t.on('removed', this.onRemoved);
    t.on('changed', this.onChanged);
    if (this.opts.timer !== false) this.arm();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const c = this.bridge.collector;
    c.off('block', this.onBlock);
    c.off('polled', this.onPolled);
    c.off('reorg', this.onReorg);
    const t = this.bridge.tree;
    t.off('added', this.onAdded);
    t.off('removed', this.onRemoved);
    t.off('changed', this.onChanged);
    this.bridge.datastore.off('committed', this.onCommitted);
    const now = this.now();
    this.table.rollAll(now);
    this.table.saveCurrents(now);
  }

  describe(): string {
    return `pm: ${this.table.jobs.size} measurement job(s), ${this.table.pairCount} resource/metric pair(s), ${this.thresholds.size} threshold(s)`;
  }

  /** Closes due intervals and refreshes the current values; the timer calls it every second. */
  tick(): void {
    const now = this.now();
    this.table.rollAll(now);
    this.table.writeCurrents(now);
  }

  private arm(): void {
    const now = Date.now();
    // Just after each whole second: granularities are whole seconds, so boundaries are too.
    this.timer = setTimeout(() => {
      if (!this.started) return;
      try { this.tick(); } catch (e) { this.bridge.log(`performance management: ${(e as Error).message}`, 'pm', 'PM'); }
      this.arm();
    }, SECOND - (now % SECOND) + 5);
    this.timer.unref?.();
  }

  // ---------------------------------------------------------------- configuration

  private readonly onCommitted = (r: { target: string }): void => {
    if (r.target !== 'running' || !this.started) return;
    this.guard(() => this.configure(this.bridge.running, this.now(), false));
  };

  /**
   * Runs a handler of someone else's event (collector, tree, datastore): a failure here (e.g. the database is
   * closing) is logged, never thrown into the emitter.
   */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      try { this.bridge.log(`performance management: ${(e as Error).message}`, 'pm', 'PM'); } catch { /* nothing left to tell */ }
    }
  }

  private configure(doc: ConfigObject, now: number, boot: boolean): void {
    this.table.rollAll(now);
    this.table.configure(jobsOf(doc), now);
    this.bridge.tree.set(PERF, { jobCount: this.table.jobs.size });
    this.thresholds.configure(thresholdsOf(doc), now, boot);
  }

  // ---------------------------------------------------------------- events

  private readonly onBlock = (e: { network: string; ledger: string; block: BlockSummary }): void => { this.guard(() => this.handleBlock(e)); };
  private readonly onPolled = (e: { network: string; node: string; result: PollResult }): void => { this.guard(() => this.handlePolled(e)); };
  private readonly onAdded = (inst: Instance): void => { this.guard(() => this.handleAdded(inst)); };
  private readonly onChanged = (inst: Instance, attrs: readonly string[]): void => {
    if (inst.cls.name === 'contract') this.guard(() => this.handleChanged(inst, attrs)); // every write of the tree comes here
  };
  private readonly onReorg = (e: { network: string; ledger: string; reorg: ReorgInfo }): void => { this.guard(() => this.handleReorg(e)); };
  private readonly onRemoved = (inst: Instance): void => { this.sampler.forget(inst); };

  private handleBlock(e: { network: string; ledger: string; block: BlockSummary }): void {
    if (!this.started) return;
    const now = this.now();
    this.table.rollAll(now);
    this.sampler.block(e, now);
  }

  private handleReorg(e: { network: string; ledger: string; reorg: ReorgInfo }): void {
    if (!this.started) return;
    const now = this.now();
    this.table.rollAll(now);
    this.sampler.reorg(e, now);
  }

  private handlePolled(e: { network: string; node: string; result: PollResult }): void {
    if (!this.started) return;
    const now = this.now();
    this.table.rollAll(now);
    this.sampler.polled(e, now);
  }

  private handleAdded(inst: Instance): void {
    if (!isResourceClass(inst.cls.name)) return;
    const now = this.now();
    this.table.rollAll(now);
    this.sampler.register(inst, true);
    this.table.addResource(inst, now);
  }

  private handleChanged(inst: Instance, attrs: readonly string[]): void {
    if (inst.cls.name !== 'contract' || !(attrs.includes('calls') || attrs.includes('failedCalls'))) return;
    const now = this.now();
    this.table.rollAll(now);
    this.sampler.contractCounters(inst, now);
  }
}
