/**
 * Consensus alarms on a real proof-of-stake chain: Lodestar 1.5.1 `lodestar dev` (test fixture, see
 * test/support/lodestar.ts) with 8 genesis validators, 0..3 in the beacon node and 4..7 in a separate
 * validator client process. The bridge follows the beacon node with validators 1, 4, 5, 6 and 7 configured,
 * SNMP notification targets at Debian's snmptrapd and ncclient sessions subscribed to the NETCONF stream.
 *
 *  - all 8 running: the chain finalizes; no finalityStalled, consensusQuorumAtRisk or validatorOffline;
 *  - the validator client killed (4 of 8, below 2/3): consensusQuorumAtRisk (participation), finalityStalled
 *    and validatorOffline on 4..7 (not on 1) raise, as bcmAlarmRaised traps at snmptrapd and ietf-alarms
 *    alarm-notifications at ncclient; each missed proposal of 4..7 is one missedProposal event, exactly
 *    the growth of the validator's missedSlots;
 *  - the validator client started again: all three clear (bcmAlarmCleared, notifications with severity cleared);
 *  - killed again and the bridge restarted meanwhile: the missedProposal events of the new bridge are exactly the
 *    misses counted across the restart (none sent twice, none lost).
 *
 * Skips outside CI when the fixture or a tool is missing; fails under CI=true.
 */
import { expect } from 'chai';
import type { Composed } from '../../src/compose';
import type { ModelEventNotice } from '../../src/events';
import { startViewsBridge } from '../support/bridge';
import type { TestBridge, ViewsBridge } from '../support/bridge';
import { LodestarChain, requireLodestar } from '../support/lodestar';
import { ADMIN, login, startNcclientWithWait, usersConfig } from '../support/netconf';
import type { NcRunWithWait, Step, StepResult } from '../support/netconf';
import { startAlarmTrapd, trapdTarget } from '../support/snmp';
import type { Daemon } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';
import { NoticeLog } from './support';
import { alarmTraps } from './traps';

const NET = 'pos';
const R_NET = `network/${NET}`;
const R_VAL = (id: string): string => `network/${NET}/consensus/validator/${id}`;
const OFF = ['4', '5', '6', '7'];

/** Per alarm type, one ncclient session (each gets every notification): its raise and its clear, told apart by the alarm text. */
const WATCH = [
  { session: 'q', type: 'consensusQuorumAtRisk', id: 'consensus-quorum-at-risk', resource: R_NET, raiseText: 'below 66.67 % needed', clearText: 'for 66.67 % needed' },
  { session: 'f', type: 'finalityStalled', id: 'finality-stalled', resource: R_NET, raiseText: 'no new finalized epoch', clearText: 'finalizes again' },
  { session: 'v', type: 'validatorOffline', id: 'validator-offline', resource: R_VAL('5'), raiseText: 'validator 5 of network pos missed its attestations',
    clearText: 'validator 5 of network pos attests again' },
];

describe('fault: consensus alarms on a real Lodestar chain, seen at snmptrapd and ncclient', function () {
  this.timeout(600_000);
  let chain: LodestarChain | undefined;
  let trapd: Daemon | undefined;
  let tb: ViewsBridge | undefined;
  let views: Composed | undefined;
  let notices: NoticeLog | undefined;
  let nc: NcRunWithWait | undefined;
  const events: ModelEventNotice[] = [];
  /** missedSlots of each configured validator when the bridge first showed it. */
  const baseline = new Map<string, bigint>();

  const cons = (): ReturnType<TestBridge['bridge']['tree']['find']> => tb!.bridge.tree.find([{ cls: 'network', keys: [NET] }, { cls: 'consensus' }]);
  const validator = (id: string): ReturnType<TestBridge['bridge']['tree']['find']> =>
    tb!.bridge.tree.find([{ cls: 'network', keys: [NET] }, { cls: 'consensus' }, { cls: 'validator', keys: [id] }]);
  const active = (type: string, resource: string): boolean => views!.fault.list.find(resource, type)?.isCleared === false;
  const state = (): string => `epoch ${String(cons()?.get('epoch'))}, finalized ${String(cons()?.get('finalizedEpoch'))}, ` +
    `since finality ${String(cons()?.get('epochsSinceFinality'))}, participation ${String(cons()?.get('participationRate'))} %, ` +
    `offline epochs ${OFF.map((id) => String(validator(id)?.get('offlineEpochs'))).join('/')}; alarms ` +
    JSON.stringify(views!.fault.list.activeAlarms().map((a) => `${a.type} ${a.resource}`));

  before(async function () {
    requireLodestar(this);
    requireNcclient(this);
    requireTool(this, '/usr/sbin/snmptrapd', 'snmptrapd');
    trapd = await startAlarmTrapd();
    chain = await LodestarChain.start({ genesisValidators: 8, startValidators: '0..3', validatorClient: '4..7' });
    tb = await startViewsBridge({
      configuration: {
        ...usersConfig(),
        notificationTargets: [trapdTarget(trapd)],
      },
      networks: [{ name: NET, platform: 'beacon', pollInterval: 2, consensus: { validators: ['1', ...OFF] }, nodes: [{ name: 'bn1', endpoint: chain.url }] }],
      fault: {
        alarmPolicies: [
          // One beacon node without peers, and runs of empty slots while 4..7 are down: not the faults under test.
          { type: 'peerCountLow', enabled: false },
          { type: 'blockProductionStalled', enabled: false },
        ],
      },
    });
    views = tb.views;
    notices = new NoticeLog(tb.bridge);
    tb.bridge.on('event', (e) => { if (e.name === 'missedProposal') events.push(e); });
  });

  after(async function () {
    this.timeout(60_000);
    nc?.kill();
    notices?.detach();
    await tb?.cleanup().catch(() => undefined);
    await chain?.stop().catch(() => undefined);
    await trapd?.stop().catch(() => undefined);
  });

  it('with all 8 validators the chain finalizes and none of the consensus alarms is raised', async () => {
    await until('the configured validators in the tree', () => ['1', ...OFF].every((id) => typeof validator(id)?.get('missedSlots') === 'bigint'), 120_000, 200);
    for (const id of ['1', ...OFF]) baseline.set(id, validator(id)!.get('missedSlots') as bigint);
    await until('a finalized epoch >= 2 and participation known', () => (Number(cons()?.get('finalizedEpoch') ?? 0) >= 2 && cons()?.get('participationRate') !== undefined), 180_000, 500);
    // The first epochs may count the separate client's validators before it is up (it starts after the beacon node):
    // from here on, a whole epoch (8 slots of 2 s) of a healthy chain raises nothing.
    const from = notices!.seen.length;
    const early = notices!.seen.map((n) => `${n.change} ${n.type} ${n.resource}`);
    await new Promise((r) => setTimeout(r, 18_000));
    console.log(`      healthy: ${state()}; before: ${JSON.stringify(early)}`);
    expect(Number(cons()!.get('epochsSinceFinality'))).to.be.at.most(3);
    expect(Number(cons()!.get('participationRate'))).to.be.above(200 / 3);
    for (const t of ['finalityStalled', 'consensusQuorumAtRisk', 'validatorOffline', 'beaconNotSynced']) {
      expect(notices!.seen.slice(from).filter((n) => n.type === t).map((n) => `${n.change} ${n.resource}`), t).to.deep.equal([]);
      expect(views!.fault.list.activeAlarms().filter((a) => a.type === t).map((a) => a.resource), t).to.deep.equal([]);
    }
  });

  it('validator client killed (4 of 8): quorum at risk, finality stalled and validators offline raise, at snmptrapd and ncclient; restarted: all clear', async () => {
    const expectTypes: Record<string, [string, string, string, string]> = {
      consensusQuorumAtRisk: ['bcmAtConsensusQuorumAtRisk', 'critical(3)', 'qualityOfServiceAlarm(3)', '356'],
      finalityStalled: ['bcmAtFinalityStalled', 'major(4)', 'qualityOfServiceAlarm(3)', '334'],
      validatorOffline: ['bcmAtValidatorOffline', 'major(4)', 'processingErrorAlarm(4)', '302'],
    };
    const steps: Step[] = [];
    for (const w of WATCH) steps.push(login(ADMIN, w.session), { op: 'subscribe', session: w.session });
    steps.push(login(ADMIN, 'm'), { op: 'subscribe', session: 'm' });
    steps.push({ op: 'wait', name: 'subscribed' });
    for (const w of WATCH) steps.push({ op: 'notification', session: w.session, contains: w.raiseText, timeout: 240 });
    // The missedProposal event of a validator whose client is down (4..7 have about 4 duties an epoch between them).
    steps.push({ op: 'notification', session: 'm', contains: '<missed-proposal ', timeout: 240 });
    for (const w of WATCH) steps.push({ op: 'notification', session: w.session, contains: w.clearText, timeout: 300 });
    nc = startNcclientWithWait(views!.netconf.sshPort, steps, 560_000);
    await nc.reachedWait;

    const rose = (w: (typeof WATCH)[number]): number => alarmTraps(trapd!.output(), 'bcmAlarmRaised', w.resource)
      .filter((x) => [...x.vars].some(([k, v]) => k.startsWith('bcmAlarmType.') && v === `OID: BLOCKCHAIN-MGMT-MIB::${expectTypes[w.type][0]}`)).length;
    const raisedBefore = WATCH.map(rose);
    const killedAt = Date.now();
    await chain!.killValidatorClient();
    await until('quorum at risk, finality stalled and validator 5 offline raised', () => {
      if (Date.now() - killedAt > 5000 && (Date.now() - killedAt) % 16000 < 600) console.log(`      ${state()}`);
      return WATCH.every((w) => active(w.type, w.resource));
    }, 240_000, 500);
    console.log(`      raised ${Math.round((Date.now() - killedAt) / 1000)} s after the kill: ${state()}`);
    for (const id of OFF) await until(`validator ${id} offline`, () => active('validatorOffline', R_VAL(id)), 60_000, 500);
    expect(active('validatorOffline', R_VAL('1'))).to.equal(false);
    const quorum = views!.fault.list.find(R_NET, 'consensusQuorumAtRisk')!;
    expect(quorum.severity).to.equal('critical');
    expect(Number(cons()!.get('participationRate'))).to.be.below(200 / 3);
    expect(Number(cons()!.get('epochsSinceFinality'))).to.be.at.least(4);

    // SNMP: one more bcmAlarmRaised trap per alarm, with the alarm's type and X.733 fields.
    for (const [i, w] of WATCH.entries()) {
      const idx = views!.fault.list.find(w.resource, w.type)!.index;
      await until(`bcmAlarmRaised for ${w.type} at snmptrapd`, () => rose(w) > raisedBefore[i], 20_000, 100);
      expect(rose(w), w.type).to.equal(raisedBefore[i] + 1);
      const trap = alarmTraps(trapd!.output(), 'bcmAlarmRaised', w.resource).filter((x) => x.vars.get(`bcmAlarmType.${idx}`) === `OID: BLOCKCHAIN-MGMT-MIB::${expectTypes[w.type][0]}`).pop()!;
      const [, sev, ev, pc] = expectTypes[w.type];
      expect(trap.vars.get(`bcmAlarmPerceivedSeverity.${idx}`), trap.line).to.equal(`INTEGER: ${sev}`);
      expect(trap.vars.get(`bcmAlarmEventType.${idx}`), trap.line).to.equal(`INTEGER: ${ev}`);
      expect(trap.vars.get(`bcmAlarmProbableCause.${idx}`), trap.line).to.equal(`Gauge32: ${pc}`);
    }

    const restartedAt = Date.now();
    await chain!.startValidatorClient();
    await until('the three alarms cleared', () => {
      if ((Date.now() - restartedAt) % 16000 < 600) console.log(`      ${state()}`);
      return WATCH.every((w) => views!.fault.list.find(w.resource, w.type)?.isCleared === true);
    }, 300_000, 500);
    console.log(`      cleared ${Math.round((Date.now() - restartedAt) / 1000)} s after the restart: ${state()}`);
    for (const id of OFF) await until(`validator ${id} back`, () => !active('validatorOffline', R_VAL(id)), 60_000, 500);
    for (const w of WATCH) {
      const idx = views!.fault.list.find(w.resource, w.type)!.index;
      await until(`bcmAlarmCleared for ${w.type} at snmptrapd`, () => alarmTraps(trapd!.output(), 'bcmAlarmCleared', w.resource)
        .some((x) => x.vars.get(`bcmAlarmType.${idx}`) === `OID: BLOCKCHAIN-MGMT-MIB::${expectTypes[w.type][0]}`), 20_000, 100);
      expect(notices!.seen.filter((n) => n.seenAt >= killedAt && n.type === w.type && n.resource === w.resource).map((n) => n.change)).to.deep.equal(['raised', 'cleared']);
    }

    // NETCONF: per session, the raise then the clear of its alarm type.
    const res: StepResult[] = await nc.results;
    nc = undefined;
    const notes = res.filter((r) => r.op === 'notification');
    const missedN = notes.splice(WATCH.length, 1)[0];
    expect(missedN.ok, JSON.stringify(res)).to.equal(true);
    expect(missedN.xml).to.match(/<missed-proposal xmlns="urn:itu:t:m:immbs:blockchain-mgmt"><network>pos<\/network><validator>[4-7]<\/validator><missed-slots>[0-9]+<\/missed-slots><slot>[0-9]+<\/slot><\/missed-proposal>/);
    expect(notes.every((r) => r.ok), JSON.stringify(res)).to.equal(true);
    WATCH.forEach((w, i) => {
      const [raised, cleared] = [notes[i].xml!, notes[WATCH.length + i].xml!];
      expect(raised).to.match(new RegExp(`<alarm-type-id[^>]*>[A-Za-z0-9_-]+:${w.id}</alarm-type-id>`));
      expect(raised).to.contain(`<resource>${w.resource}</resource>`);
      expect(cleared).to.match(new RegExp(`<alarm-type-id[^>]*>[A-Za-z0-9_-]+:${w.id}</alarm-type-id>`));
      expect(cleared).to.contain(`<resource>${w.resource}</resource>`);
      expect(cleared).to.contain('<perceived-severity>cleared</perceived-severity>');
    });
  });

  it('each missed proposal of a configured validator was one missedProposal event: exactly the growth of its missedSlots', () => {
    let total = 0;
    for (const id of ['1', ...OFF]) {
      const grown = Number((validator(id)!.get('missedSlots') as bigint) - baseline.get(id)!);
      const mine = events.filter((e) => e.params.validator === id);
      expect(mine.length, `validator ${id}`).to.equal(grown);
      expect(mine.map((e) => Number(e.params.missedSlots))).to.deep.equal(Array.from({ length: grown }, (_x, k) => Number(baseline.get(id)!) + k + 1));
      total += grown;
    }
    console.log(`      ${total} missed proposals of the configured validators (validator@slot seen): ${events.map((e) => `${String(e.params.validator)}@${String(e.params.slot)}`).join(' ')}`);
    expect(total).to.be.above(0);
    expect(events.filter((e) => e.params.validator === '1')).to.have.length(0);
  });

  it('a bridge restarted while proposals are missed sends each missed proposal once: its events equal the growth of missedSlots across the restart', async () => {
    await chain!.killValidatorClient();
    await new Promise((r) => setTimeout(r, 4_000));
    // What the first bridge sent: its last event per validator (or the baseline when it sent none).
    const sent = (id: string): bigint => events.filter((e) => e.params.validator === id).reduce((m, e) => (e.params.missedSlots as bigint) > m ? e.params.missedSlots as bigint : m, baseline.get(id)!);
    const before = new Map(OFF.map((id) => [id, sent(id)]));
    const dataDir = tb!.dataDir;
    notices!.detach();
    await tb!.stop();
    // Down for about five slots while 4..7 keep missing theirs (the adapter judges a gap of up to two epochs when back).
    await new Promise((r) => setTimeout(r, 10_000));
    const after: ModelEventNotice[] = [];
    // listening from before the start: the first poll, during the start, may already count the slots missed meanwhile
    tb = await startViewsBridge(undefined, { dataDir, setup: (b) => b.on('event', (e) => { if (e.name === 'missedProposal') after.push(e); }) });
    views = tb.views;
    await until('the validators in the restarted bridge', () => OFF.every((id) => typeof validator(id)?.get('missedSlots') === 'bigint'), 60_000, 200);
    await new Promise((r) => setTimeout(r, 16_000));
    await chain!.startValidatorClient();
    const now = new Map(OFF.map((id) => [id, validator(id)!.get('missedSlots') as bigint]));
    let grown = 0;
    for (const id of OFF) {
      const n = Number(now.get(id)! - before.get(id)!);
      const mine = after.filter((e) => e.params.validator === id).map((e) => Number(e.params.missedSlots));
      expect(mine, `validator ${id}: ${before.get(id)} missed slots sent before the restart, ${now.get(id)} counted after`)
        .to.deep.equal(Array.from({ length: n }, (_x, k) => Number(before.get(id)!) + k + 1));
      grown += n;
    }
    console.log(`      across the restart: ${grown} missed proposals, ${after.length} events: ${after.map((e) => `${String(e.params.validator)}:${String(e.params.missedSlots)}@${String(e.params.slot)}`).join(' ')}`);
    expect(grown).to.be.above(0);
  });
});
