/**
 * consensusQuorumAtRisk on a real proof-of-work network: two litecoind regtest nodes mining to different
 * addresses. With a window of 4 blocks and the quorum set to 2 producers (ncclient edit-config), four blocks
 * in a row from one node leave one producer in the window: raised, seen as a bcmAlarmRaised trap at Debian's
 * snmptrapd; one block from the other node makes it two again: cleared (bcmAlarmCleared).
 * Skips outside CI when litecoind or a tool is missing; fails under CI=true.
 */
import { expect } from 'chai';
import type { Composed } from '../../src/compose';
import { startViewsBridge } from '../support/bridge';
import type { TestBridge, ViewsBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { ADMIN, BCM, login, ncclient, usersConfig } from '../support/netconf';
import { startAlarmTrapd, trapdTarget } from '../support/snmp';
import type { Daemon } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';
import { alarmTraps } from './traps';

const NET = 'ltc';
const R_NET = `network/${NET}`;
const PASSWORD_ENV = 'BCM_TEST_LTC_PASSWORD_QUORUM';

describe('fault: consensusQuorumAtRisk on a real litecoind network (producers in the window)', function () {
  this.timeout(180_000);
  let ltc: LitecoinNetwork | undefined;
  let trapd: Daemon | undefined;
  let tb: ViewsBridge | undefined;
  let views: Composed | undefined;

  const cons = (): ReturnType<TestBridge['bridge']['tree']['find']> => tb!.bridge.tree.find([{ cls: 'network', keys: [NET] }, { cls: 'consensus' }]);

  before(async function () {
    requireLitecoind(this);
    requireNcclient(this);
    requireTool(this, '/usr/sbin/snmptrapd', 'snmptrapd');
    this.timeout(120_000);
    ltc = await LitecoinNetwork.start({ nodes: 2 });
    await ltc.mine(0, 1);
    await ltc.waitForSameTip();
    trapd = await startAlarmTrapd();
    tb = await startViewsBridge({
      configuration: { ...usersConfig(), notificationTargets: [trapdTarget(trapd)] },
      networks: [{
        name: NET, platform: 'bitcoin', pollInterval: 1, consensus: { windowSize: 4 },
        nodes: ltc.bridgeNodes(PASSWORD_ENV),
      }],
      fault: { alarmPolicies: [{ type: 'blockProductionStalled', enabled: false }, { type: 'peerCountLow', enabled: false }] },
    });
    views = tb.views;
  });

  after(async function () {
    this.timeout(60_000);
    await tb?.cleanup().catch(() => undefined);
    await trapd?.stop().catch(() => undefined);
    await ltc?.stopAll().catch(() => undefined);
  });

  it('quorum 2: four blocks of one producer raise it, a block of the other clears it', async () => {
    const mine = async (i: number, k: number): Promise<void> => {
      for (let j = 0; j < k; j++) { await ltc!.mine(i, 1); await ltc!.waitForSameTip(); }
    };
    // Both producers in the window, then the quorum raised to 2: a margin of 0, no alarm.
    await mine(0, 1);
    await mine(1, 1);
    await until('two producers in the window', () => cons()?.get('activeValidators') === 2, 30_000, 100);
    const res = await ncclient(views!.netconf.sshPort, [
      login(ADMIN),
      { op: 'edit_config', config: `<config><managed-system xmlns="${BCM}"><network><name>${NET}</name><consensus><quorum>2</quorum></consensus></network></managed-system></config>` },
    ]);
    expect(res.every((r) => r.ok), JSON.stringify(res)).to.equal(true);
    await until('quorum 2 in effect', () => cons()?.get('quorum') === 2, 10_000, 100);
    await new Promise((r) => setTimeout(r, 2000));
    expect(views!.fault.list.find(R_NET, 'consensusQuorumAtRisk')).to.equal(undefined);

    await mine(0, 4);
    const alarm = await until('consensusQuorumAtRisk raised', () => { const a = views!.fault.list.find(R_NET, 'consensusQuorumAtRisk'); return a && !a.isCleared ? a : undefined; }, 30_000, 100);
    expect(cons()!.get('activeValidators')).to.equal(1);
    expect(alarm.text).to.equal(`network ${NET} has 1 active validator(s) for a quorum of 2 (configured)`);
    const raised = await until('bcmAlarmRaised at snmptrapd', () => { const t = alarmTraps(trapd!.output(), 'bcmAlarmRaised', R_NET); return t.length ? t : undefined; }, 20_000, 100);
    expect(raised).to.have.length(1);
    expect(raised[0].vars.get(`bcmAlarmType.${alarm.index}`), raised[0].line).to.equal('OID: BLOCKCHAIN-MGMT-MIB::bcmAtConsensusQuorumAtRisk');

    await mine(1, 1);
    await until('consensusQuorumAtRisk cleared', () => views!.fault.list.find(R_NET, 'consensusQuorumAtRisk')?.isCleared === true, 30_000, 100);
    expect(cons()!.get('activeValidators')).to.equal(2);
    await until('bcmAlarmCleared at snmptrapd', () => alarmTraps(trapd!.output(), 'bcmAlarmCleared', R_NET).length === 1, 20_000, 100);
  });
});
