/**
 * The performance manager on a Bridge with a controlled clock: the collector's events are emitted by the
 * test (as the collector would emit them), so interval boundaries, suspect flags, persistence, thresholds
 * and configuration changes are checked exactly. The real chain is in litecoind.test.ts.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../../src/bridge';
import type { NodeObservation } from '../../src/chains/adapter';
import type { ConfigObject } from '../../src/config/document';
import type { AlarmCondition, LogEntry } from '../../src/events';
import { PerformanceManager } from '../../src/pm';
import type { Instance, Path } from '../../src/state/tree';

const G = 10; // granularity, seconds
const B = Date.UTC(2030, 0, 1, 0, 0, 0); // an interval boundary
const NET: Path = [{ cls: 'network', keys: ['dev'] }];
const LEDGER = 'network/dev/ledger/main';
/** A block timestamp (seconds) s seconds after B. */
const bt = (s: number): number => B / 1000 + s;
const NODE = 'network/dev/node/n1';

function seed(extra: ConfigObject = {}): ConfigObject {
  return {
    performance: {
      measurementJobs: [{ name: 'j', granularity: G, resources: ['network/dev'] }],
      thresholds: [
        { name: 'txHigh', job: 'j', metric: 'transactions', direction: 'rising', raiseLevel: 5, clearLevel: 1, check: 'current' },
        { name: 'blocksClosed', job: 'j', metric: 'blocks', resource: LEDGER, raiseLevel: 2, clearLevel: 0, check: 'closed' },
      ],
    },
    ...extra,
  };
}

function observation(peers: number, pending: number, bytesIn: number, bytesOut: number): NodeObservation {
  return {
    node: { peerCount: peers, bytesIn, bytesOut }, peers: [], txPool: { pending }, network: {},
    head: { height: 1, hash: 'h1', parentHash: 'h0', time: 0, txCount: 0 }, ledger: {}, logControlSupported: false,
  };
}

describe('performance manager (controlled clock)', () => {
  let dir: string;
  let now = B;
  let bridge: Bridge | undefined;
  let pm: PerformanceManager | undefined;
  let alarms: AlarmCondition[] = [];
  let records: LogEntry[] = [];

  async function boot(doc: ConfigObject = seed()): Promise<{ bridge: Bridge; pm: PerformanceManager }> {
    const b = new Bridge({ dataDir: dir, seed: doc });
    b.on('record', (r) => records.push(r));
    const m = new PerformanceManager(b, { report: (c) => alarms.push(c) }, { now: () => now, timer: false });
    b.addView(m);
    await b.start();
    bridge = b;
    pm = m;
    return { bridge: b, pm: m };
  }

  async function shutdown(): Promise<void> {
    await bridge?.stop();
    bridge = undefined;
    pm = undefined;
  }

  const br = (): Bridge => { if (!bridge) throw new Error('no bridge'); return bridge; };
  const job = (name = 'j'): Instance | undefined => br().tree.find([{ cls: 'performance' }, { cls: 'measurementJob', keys: [name] }]);
  function pair(resource: string, metric: string, jobName = 'j'): Instance {
    const p = job(jobName)?.list('pmMonitored').find((i) => i.get('resource') === resource && i.get('metric') === metric);
    if (!p) throw new Error(`no pmMonitored ${resource} ${metric}`);
    return p;
  }
  const interval = (resource: string, metric: string, n: number): Instance | undefined => pair(resource, metric).child('pmInterval', [n]);
  const at = (ms: number): void => { now = ms; pm?.tick(); };

  function block(txCount: number, time: number): void {
    br().collector.emit('block', { network: 'dev', ledger: 'main', block: { height: 0, hash: `b${time}`, parentHash: '', time, txCount } });
  }
  function poll(ok: boolean, latencyMs = 10, o = observation(2, 3, 1000, 2000), rpcErrors = 0): void {
    const tree = br().tree;
    tree.set([...NET, { cls: 'node', keys: ['n1'] }], { rpcErrors: BigInt(rpcErrors) });
    tree.set(NET, { reachableNodeCount: ok ? 1 : 0 });
    br().collector.emit('polled', { network: 'dev', node: 'n1', result: ok ? { ok, latencyMs, observation: o } : { ok, latencyMs, error: 'refused' } });
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-pm-'));
    now = B + 3000;
    alarms = [];
    records = [];
  });
  afterEach(async () => {
    await shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The ledger and node a collector would have written, before the manager starts. */
  async function bootWithResources(doc?: ConfigObject, summarySlice?: number): Promise<void> {
    const b = new Bridge({ dataDir: dir, seed: doc ?? seed() });
    b.tree.set([...NET, { cls: 'ledger', keys: ['main'] }], { headTime: B - 60_000 });
    b.tree.set([...NET, { cls: 'node', keys: ['n1'] }], { reachability: 'reachable' });
    b.on('record', (r) => records.push(r));
    const m = new PerformanceManager(b, { report: (c) => alarms.push(c) }, { now: () => now, timer: false, summarySlice });
    b.addView(m);
    await b.start();
    bridge = b;
    pm = m;
  }

  it('measures ledger and node metrics in epoch-aligned intervals, numbers history and keeps a 24-hour value', async () => {
    await bootWithResources();
    const j = job()!;
    expect(j.get('operState')).to.equal('enabled');
    expect(j.get('currentIntervalStart')).to.equal(B);
    expect(j.get('granularity')).to.equal(G);
    expect(j.get('monitoredCount')).to.equal(15); // 6 ledger metrics + 9 node metrics
    expect(br().tree.find([{ cls: 'performance' }])?.get('jobCount')).to.equal(1);
    // Started 3 s into the interval: suspect.
    expect(pair(LEDGER, 'blocks').get('suspect')).to.equal(true);
    expect(pair(LEDGER, 'blocks').get('value')).to.equal(undefined);

    at(B + 4000);
    poll(true);
    block(3, bt(4));
    at(B + 9000);
    expect(pair(LEDGER, 'blocks').get('value')).to.equal(1);
    expect(pair(LEDGER, 'blocks').get('elapsed')).to.equal(9);

    // Interval 2: a full one.
    at(B + 10_000);
    const first = interval(LEDGER, 'blocks', 1)!;
    expect(first.get('start')).to.equal(B);
    expect(first.get('duration')).to.equal(G);
    expect(first.get('value')).to.equal(1);
    expect(first.get('suspect')).to.equal(true);
    expect(pair(LEDGER, 'blocks').get('value')).to.equal(undefined); // nothing observed yet in the new interval
    expect(pair(LEDGER, 'blocks').get('suspect')).to.equal(false);
    expect(job()!.get('currentIntervalStart')).to.equal(B + 10_000);

    at(B + 11_000);
    for (let i = 1; i <= 20; i++) poll(true, i * 10, observation(i % 2 ? 2 : 4, i, 1000 + 100 * i, 2000 + 50 * i), i === 7 ? 2 : i > 7 ? 2 : 0);
    expect(pair(LEDGER, 'blocks').get('value')).to.equal(0); // observed: counts are 0, not absent
    expect(pair(LEDGER, 'blockIntervalMean').get('value')).to.equal(undefined);
    at(B + 12_000);
    block(4, bt(11));
    block(6, bt(12));
    at(B + 12_500);
    expect(pair(LEDGER, 'tps').get('value')).to.equal(4); // 10 transactions over 2.5 s elapsed
    at(B + 20_000);
    const v = (r: string, m: string): unknown => interval(r, m, 1)?.get('value');
    expect(interval(LEDGER, 'blocks', 1)!.get('start')).to.equal(B + 10_000);
    expect(interval(LEDGER, 'blocks', 1)!.get('suspect')).to.equal(false);
    expect(interval(LEDGER, 'blocks', 2)!.get('start')).to.equal(B);
    expect(v(LEDGER, 'blocks')).to.equal(2);
    expect(v(LEDGER, 'transactions')).to.equal(10);
    expect(v(LEDGER, 'tps')).to.equal(1); // 10 over the 10 s interval
    expect(v(LEDGER, 'blockIntervalMean')).to.equal(4); // blocks at 4 s, 11 s, 12 s: gaps 7 and 1
    expect(v(LEDGER, 'blockIntervalMax')).to.equal(7);
    expect(v(LEDGER, 'headAge')).to.equal(8); // interval end (20 s) minus the newest head (12 s)
    expect(v(NODE, 'peerCountMin')).to.equal(2);
    expect(v(NODE, 'peerCountMax')).to.equal(4);
    expect(v(NODE, 'peerCountMean')).to.equal(3);
    expect(v(NODE, 'txPoolSize')).to.equal(10.5);
    expect(v(NODE, 'rpcLatencyMean')).to.equal(105);
    expect(v(NODE, 'rpcLatencyP95')).to.equal(190);
    expect(v(NODE, 'rpcErrors')).to.equal(2); // adapter error counter went 0 → 2
    expect(v(NODE, 'bytesIn')).to.equal(2000); // 1000 at the previous interval's poll, 3000 at the last
    expect(v(NODE, 'bytesOut')).to.equal(1000);
    const blocks = pair(LEDGER, 'blocks');
    expect(blocks.get('validIntervals')).to.equal(1);
    expect(blocks.get('invalidIntervals')).to.equal(1);
    expect(blocks.get('dayValue')).to.equal(3);
    expect(blocks.get('daySuspect')).to.equal(true);
    expect(pair(NODE, 'rpcLatencyP95').get('dayValue')).to.equal(190); // max of the p95s
    expect(pair(LEDGER, 'tps').get('dayValue')).to.equal(0.65); // 13 transactions over 20 s
    expect(pair(LEDGER, 'blockIntervalMean').get('dayValue')).to.equal(4);

    const closes = records.filter((r) => r.component === 'pm' && r.msgId === 'PM' && r.severity === 'debug');
    expect(closes.map((r) => r.message)).to.deep.equal([
      `job j: interval ${new Date(B).toISOString()} (10 s) closed: 15 resource/metric pair(s), 15 suspect`,
      `job j: interval ${new Date(B + 10_000).toISOString()} (10 s) closed: 15 resource/metric pair(s), 0 suspect`,
    ]);
  });

  it('marks intervals suspect when the node is lost, and counts failed polls as RPC errors', async () => {
    await bootWithResources();
    at(B + 10_000);
    poll(true);
    at(B + 12_000);
    poll(false, 4000, undefined, 3);
    expect(pair(NODE, 'rpcErrors').get('suspect')).to.equal(true);
    poll(true, 10, observation(2, 3, 1000, 2000), 3);
    at(B + 20_000);
    expect(interval(NODE, 'rpcErrors', 1)!.get('value')).to.equal(3); // the adapter counted 3 failed calls for the failed poll
    expect(interval(NODE, 'rpcErrors', 1)!.get('suspect')).to.equal(true);
    expect(interval(LEDGER, 'blocks', 1)!.get('suspect')).to.equal(true); // no node of the network was reachable
    expect(interval(LEDGER, 'blocks', 1)!.get('value')).to.equal(0);
    // A poll failing without adapter errors still counts one.
    poll(false, 1, undefined, 3);
    at(B + 30_000);
    expect(interval(NODE, 'rpcErrors', 1)!.get('value')).to.equal(1);
    // An interval in which the resource was never observed is suspect, and its counts are absent.
    at(B + 40_000);
    expect(interval(NODE, 'rpcErrors', 1)!.get('value')).to.equal(undefined);
    expect(interval(NODE, 'rpcErrors', 1)!.get('suspect')).to.equal(true);
    expect(interval(NODE, 'peerCountMin', 1)!.get('value')).to.equal(undefined);
  });

  it('keeps history and indexes across a restart; the interval of the restart is suspect and resumes its counts', async () => {
    await bootWithResources();
    at(B + 10_000);
    poll(true);
    block(2, bt(10));
    block(2, bt(11));
    at(B + 20_000);
    const idx = pair(LEDGER, 'blocks').keys[0];
    poll(true);
    block(1, bt(21));
    at(B + 23_000);
    await shutdown();

    now = B + 24_000;
    await bootWithResources();
    expect(pair(LEDGER, 'blocks').keys[0]).to.equal(idx);
    expect(interval(LEDGER, 'blocks', 1)!.get('value')).to.equal(2);
    expect(interval(LEDGER, 'blocks', 1)!.get('start')).to.equal(B + 10_000);
    expect(interval(LEDGER, 'blocks', 2)!.get('start')).to.equal(B);
    expect(pair(LEDGER, 'blocks').get('value')).to.equal(1); // resumed from the saved current interval
    expect(pair(LEDGER, 'blocks').get('suspect')).to.equal(true);
    poll(true);
    block(5, bt(25));
    at(B + 30_000);
    expect(interval(LEDGER, 'blocks', 1)!.get('value')).to.equal(2);
    expect(interval(LEDGER, 'blocks', 1)!.get('suspect')).to.equal(true);
    expect(interval(LEDGER, 'transactions', 1)!.get('value')).to.equal(6);
    expect(interval(LEDGER, 'blocks', 2)!.get('value')).to.equal(2);
    expect(interval(LEDGER, 'blocks', 2)!.get('suspect')).to.equal(false);
    await shutdown();

    // Down for three whole intervals: they are recorded as suspect intervals without value.
    now = B + 71_000;
    await bootWithResources();
    const starts = pair(LEDGER, 'blocks').list('pmInterval').map((i) => [i.get('start'), i.get('value'), i.get('suspect')]);
    expect(starts).to.deep.equal([
      [B + 60_000, undefined, true], [B + 50_000, undefined, true], [B + 40_000, undefined, true],
      [B + 30_000, undefined, true], // the interval current at shutdown (nothing observed in it), closed at start
      [B + 20_000, 2, true], [B + 10_000, 2, false], [B, undefined, true],
    ]);
  });

  it('raises and clears thresholds through the reporter: current on every sample, closed at interval close', async () => {
    await bootWithResources();
    at(B + 10_000);
    poll(true);
    block(4, bt(10));
    expect(alarms).to.deep.equal([]);
    block(6, bt(11));
    expect(alarms).to.deep.equal([{
      resource: LEDGER, type: 'thresholdCrossed', qualifier: 'txHigh', active: true,
      text: `transactions of ${LEDGER} rose to 10 (raise level 5, job j, current interval)`, thresholdInfo: 'transactions rising raise 5 clear 1 observed 10',
    }]);
    const thr = (name: string): Instance | undefined => br().tree.find([{ cls: 'performance' }, { cls: 'threshold', keys: [name] }]);
    expect(thr('txHigh')?.get('crossedCount')).to.equal(1);
    expect(thr('txHigh')?.get('raiseLevel')).to.equal(5);
    block(1, bt(12));
    expect(alarms).to.have.length(1); // only state changes are reported
    at(B + 20_000);
    // Closed check: 3 blocks in the interval >= 2.
    expect(alarms.map((a) => [a.qualifier, a.active, a.thresholdInfo])).to.deep.equal([
      ['txHigh', true, 'transactions rising raise 5 clear 1 observed 10'],
      ['blocksClosed', true, 'blocks rising raise 2 clear 0 observed 3'],
    ]);
    // The new interval starts again: the current crossing stays until a sample shows the value at or below the clear level.
    expect(thr('txHigh')?.get('crossedCount')).to.equal(1);
    at(B + 21_000);
    poll(true);
    expect(alarms[2]).to.include({ qualifier: 'txHigh', active: false, resource: LEDGER });
    expect(alarms[2].thresholdInfo).to.equal('transactions rising raise 5 clear 1 observed 0');
    expect(thr('txHigh')?.get('crossedCount')).to.equal(0);
    at(B + 30_000);
    expect(alarms[3]).to.include({ qualifier: 'blocksClosed', active: false });
    expect(alarms).to.have.length(4);
    const notices = records.filter((r) => r.component === 'pm' && r.severity === 'notice').map((r) => r.message);
    expect(notices).to.have.length(4);
    expect(notices[0]).to.match(/^threshold txHigh crossed: transactions of network\/dev\/ledger\/main rose to 10/);

    // Crossed state survives a restart: re-asserted once, and cleared when the threshold is removed.
    block(9, bt(30));
    expect(alarms[4]).to.include({ qualifier: 'txHigh', active: true });
    await shutdown();
    alarms = [];
    await bootWithResources();
    expect(alarms.map((a) => [a.qualifier, a.active])).to.deep.equal([['txHigh', true]]);
    const doc = br().running;
    (doc.performance as ConfigObject).thresholds = [];
    br().commit(doc, { user: 'test', source: 'netconf' });
    expect(alarms.map((a) => [a.qualifier, a.active])).to.deep.equal([['txHigh', true], ['txHigh', false]]);
    expect(thr('txHigh')).to.equal(undefined);
  });

  it('applies configuration changes: granularity restarts the interval, locking stops, removal forgets', async () => {
    await bootWithResources();
    at(B + 10_000);
    poll(true);
    block(1, bt(10));
    at(B + 14_000);
    const doc = br().running;
    const perf = doc.performance as ConfigObject;
    (perf.measurementJobs as ConfigObject[])[0].granularity = 60;
    br().commit(doc, { user: 'test', source: 'netconf' });
    // The partial 4 s are kept as a suspect interval; the new one runs from now to the next minute boundary.
    let b1 = interval(LEDGER, 'blocks', 1)!;
    expect([b1.get('start'), b1.get('duration'), b1.get('value'), b1.get('suspect')]).to.deep.equal([B + 10_000, 4, 1, true]);
    expect(job()!.get('currentIntervalStart')).to.equal(B + 14_000);
    expect(job()!.get('granularity')).to.equal(60);
    expect(pair(LEDGER, 'blocks').get('suspect')).to.equal(true);
    poll(true);
    block(0, bt(15));
    at(B + 59_000);
    expect(interval(LEDGER, 'blocks', 1)!.get('start')).to.equal(B + 10_000);
    at(B + 60_000);
    b1 = interval(LEDGER, 'blocks', 1)!;
    expect([b1.get('start'), b1.get('duration'), b1.get('value'), b1.get('suspect')]).to.deep.equal([B + 14_000, 46, 1, true]);
    expect(interval(LEDGER, 'tps', 1)!.get('value')).to.equal(0); // no transactions

    // Narrowing the job to the node: the ledger's pairs (and their history) go, the node's stay.
    (perf.measurementJobs as ConfigObject[])[0].resources = [NODE];
    br().commit(doc, { user: 'test', source: 'netconf' });
    expect(job()!.get('monitoredCount')).to.equal(9);
    expect(() => pair(LEDGER, 'blocks')).to.throw('no pmMonitored');
    expect(pair(NODE, 'peerCountMax').get('suspect')).to.equal(true); // the job changed mid-interval

    // Locked: the partial interval is closed, nothing is measured.
    at(B + 70_000);
    (perf.measurementJobs as ConfigObject[])[0].adminState = 'locked';
    br().commit(doc, { user: 'test', source: 'netconf' });
    expect(job()!.get('operState')).to.equal('disabled');
    expect(job()!.get('currentIntervalStart')).to.equal(undefined);
    expect(interval(NODE, 'peerCountMax', 1)!.get('duration')).to.equal(10);
    poll(true);
    expect(pair(NODE, 'peerCountMax').get('value')).to.equal(undefined);
    at(B + 200_000);
    (perf.measurementJobs as ConfigObject[])[0].adminState = 'unlocked';
    br().commit(doc, { user: 'test', source: 'netconf' });
    expect(job()!.get('operState')).to.equal('enabled');
    expect(job()!.get('currentIntervalStart')).to.equal(B + 180_000);
    // The locked minutes 2 (from 120 s) were not measured: a suspect interval without value.
    expect(interval(NODE, 'peerCountMax', 1)!.get('start')).to.equal(B + 120_000);
    expect(interval(NODE, 'peerCountMax', 1)!.get('value')).to.equal(undefined);

    // A second job over the same resources has its own indexes; removing a job forgets it.
    perf.measurementJobs = [...(perf.measurementJobs as ConfigObject[]), { name: 'k', granularity: 5, metrics: ['rpcErrors'] }];
    br().commit(doc, { user: 'test', source: 'netconf' });
    expect(job('k')!.get('monitoredCount')).to.equal(1);
    expect(job('k')!.list('pmMonitored')[0].keys).to.deep.equal([1]);
    perf.measurementJobs = (perf.measurementJobs as ConfigObject[]).filter((x) => x.name !== 'j');
    perf.thresholds = [];
    br().commit(doc, { user: 'test', source: 'netconf' });
    expect(job('j')).to.equal(undefined);
    expect(br().tree.find([{ cls: 'performance' }])?.get('jobCount')).to.equal(1);
    const left = br().db.prepare("SELECT COUNT(*) AS n FROM pm_interval WHERE job = 'j'").get() as { n: number };
    expect(left.n).to.equal(0);
  });

  it('measures contract calls from the tree counters, and drops pairs of resources gone without history', async () => {
    await boot(seed());
    const tree = br().tree;
    const cPath: Path = [...NET, { cls: 'contract', keys: ['0xabc'] }];
    at(B + 4000);
    tree.set(cPath, { calls: 3n, failedCalls: 0n });
    expect(pair('network/dev/contract/0xabc', 'contractCalls').get('value')).to.equal(3); // counts since the bridge started
    expect(pair('network/dev/contract/0xabc', 'contractCalls').get('suspect')).to.equal(true);
    at(B + 10_000);
    expect(pair('network/dev/contract/0xabc', 'contractCalls').get('value')).to.equal(0); // observed while it exists
    tree.set(cPath, { calls: 5n, failedCalls: 1n });
    tree.set(cPath, { calls: 8n, failedCalls: 1n });
    at(B + 20_000);
    expect(interval('network/dev/contract/0xabc', 'contractCalls', 1)!.get('value')).to.equal(5);
    expect(interval('network/dev/contract/0xabc', 'contractFailures', 1)!.get('value')).to.equal(1);
    expect(interval('network/dev/contract/0xabc', 'contractCalls', 1)!.get('suspect')).to.equal(false);

    // A node that appears and goes within one interval leaves nothing behind.
    tree.set([...NET, { cls: 'node', keys: ['tmp'] }], { reachability: 'unknown' });
    expect(job()!.list('pmMonitored').some((p) => p.get('resource') === 'network/dev/node/tmp')).to.equal(true);
    tree.remove([...NET, { cls: 'node', keys: ['tmp'] }]);
    at(B + 30_000);
    expect(job()!.list('pmMonitored').some((p) => p.get('resource') === 'network/dev/node/tmp')).to.equal(false);
    // The contract's pairs stay while their history has values.
    tree.remove(cPath);
    at(B + 40_000);
    at(B + 50_000);
    const calls = pair('network/dev/contract/0xabc', 'contractCalls').list('pmInterval').map((i) => i.get('value'));
    expect(calls).to.deep.equal([undefined, 0, 0, 5, 3]); // gone, then (at its start) observed, ... first interval: 3
  });

  it('spreads the renumbering of a large job over event-loop turns, and never throws into the collector', async () => {
    await bootWithResources(undefined, 4);
    at(B + 10_000);
    const renumbered = (): number => job()!.list('pmMonitored').filter((p) => p.child('pmInterval', [1])?.get('start') === B).length;
    expect(renumbered()).to.equal(4);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(renumbered()).to.equal(15);

    expect(() => br().collector.emit('polled', { network: 'dev', node: 'n1', result: undefined as unknown as { ok: boolean; latencyMs: number } })).not.to.throw();
    expect(records.some((r) => r.component === 'pm' && r.message.startsWith('performance management: '))).to.equal(true);
  });
});
