/**
 * consensusQuorumAtRisk on a real Clique (proof-of-authority) chain: @ethereumjs/client 0.10.5 --dev=poa
 * (test fixture, `npm ci --prefix test/fixtures/ethereumjs`) seals with its one signer. With the network's
 * quorum configured to 2 signers the bridge raises consensusQuorumAtRisk as soon as it has seen the signer's
 * blocks (1 active signer for a quorum of 2), seen as a bcmAlarmRaised trap at Debian's snmptrapd; an
 * edit-config by ncclient lowering the quorum to 1 clears it (bcmAlarmCleared).
 * Skips outside CI when the fixture or a tool is missing; fails under CI=true.
 */
import { expect } from 'chai';
import type { Composed } from '../../src/compose';
import { startViewsBridge } from '../support/bridge';
import type { TestBridge, ViewsBridge } from '../support/bridge';
import { CliqueDevChain, requireEthereumjs } from '../support/ethereumjs';
import { ADMIN, BCM, login, ncclient, usersConfig } from '../support/netconf';
import { startAlarmTrapd, trapdTarget } from '../support/snmp';
import type { Daemon } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';
import { alarmTraps } from './traps';

const NET = 'poa';
const R_NET = `network/${NET}`;

describe('fault: consensusQuorumAtRisk on a real ethereumjs Clique chain', function () {
  this.timeout(180_000);
  let chain: CliqueDevChain | undefined;
  let trapd: Daemon | undefined;
  let tb: ViewsBridge | undefined;
  let views: Composed | undefined;

  before(async function () {
    requireEthereumjs(this);
    requireNcclient(this);
    requireTool(this, '/usr/sbin/snmptrapd', 'snmptrapd');
    chain = await CliqueDevChain.start();
    trapd = await startAlarmTrapd();
    tb = await startViewsBridge({
      configuration: { ...usersConfig(), notificationTargets: [trapdTarget(trapd)] },
      networks: [{ name: NET, platform: 'ethereum', pollInterval: 1, consensus: { quorum: 2 }, nodes: [{ name: 'n1', endpoint: chain.rpcUrl }] }],
      fault: { alarmPolicies: [{ type: 'peerCountLow', enabled: false }, { type: 'blockProductionStalled', enabled: false }] },
    });
    views = tb.views;
  });

  after(async function () {
    this.timeout(30_000);
    await tb?.cleanup();
    await trapd?.stop().catch(() => undefined);
    await chain?.stop();
  });

  it('quorum 2 with one active signer raises (trap at snmptrapd); quorum 1 set by ncclient clears it', async () => {
    const cons = (): ReturnType<TestBridge['bridge']['tree']['find']> => tb!.bridge.tree.find([{ cls: 'network', keys: [NET] }, { cls: 'consensus' }]);
    await until('a sealed block seen: one active signer', () => cons()?.get('activeValidators') === 1, 90_000, 200);
    expect(cons()!.get('algorithm')).to.equal('clique');
    const alarm = await until('consensusQuorumAtRisk raised', () => { const a = views!.fault.list.find(R_NET, 'consensusQuorumAtRisk'); return a && !a.isCleared ? a : undefined; }, 10_000, 100);
    expect(alarm.text).to.equal(`network ${NET} has 1 active validator(s) for a quorum of 2 (configured)`);
    expect(alarm.severity).to.equal('critical');
    const idx = alarm.index;
    const raised = await until('bcmAlarmRaised for the quorum at snmptrapd', () => {
      const t = alarmTraps(trapd!.output(), 'bcmAlarmRaised', R_NET);
      return t.length ? t : undefined;
    }, 20_000, 100);
    expect(raised).to.have.length(1);
    expect(raised[0].vars.get(`bcmAlarmType.${idx}`), raised[0].line).to.equal('OID: BLOCKCHAIN-MGMT-MIB::bcmAtConsensusQuorumAtRisk');
    expect(raised[0].vars.get(`bcmAlarmPerceivedSeverity.${idx}`), raised[0].line).to.equal('INTEGER: critical(3)');
    expect(raised[0].vars.get(`bcmAlarmAlarmText.${idx}`), raised[0].line).to.contain('1 active validator(s) for a quorum of 2');

    const res = await ncclient(views!.netconf.sshPort, [
      login(ADMIN),
      { op: 'edit_config', config: `<config><managed-system xmlns="${BCM}"><network><name>${NET}</name><consensus><quorum>1</quorum></consensus></network></managed-system></config>` },
    ]);
    expect(res.every((r) => r.ok), JSON.stringify(res)).to.equal(true);
    await until('consensusQuorumAtRisk cleared', () => views!.fault.list.find(R_NET, 'consensusQuorumAtRisk')?.isCleared === true, 10_000, 100);
    await until('bcmAlarmCleared for the quorum at snmptrapd', () => alarmTraps(trapd!.output(), 'bcmAlarmCleared', R_NET).length === 1, 20_000, 100);
  });
});
