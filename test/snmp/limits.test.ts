/**
 * Response size limits (issue 12 item 5): a small v1/v2c GetBulk must not draw a large answer (a
 * reflection amplifier). The answer is bounded by snmpMaxMessageSize and snmpMaxRepetitions, with
 * defaults no larger than what Debian's snmpd sends to the same request (run beside it here);
 * SNMPv3 keeps following the request's msgMaxSize. Checked with net-snmp's snmpbulkget and with pysnmp.
 */
import { expect } from 'chai';
import { modelIndex } from '../../src/model';
import { requirePysnmp, requireTool } from '../support/tools';
import { MIB, fillTree, printedVarbinds, pysnmp, receivedPackets, snmp, startAgent, startSnmpd } from '../support/snmp';
import type { Daemon, TestAgent } from '../support/snmp';

const SEED = {
  configuration: {
    snmpCommunities: [{ name: 'ops', community: 'private', access: 'admin' }, { name: 'ro', community: 'public' }],
    snmpUsers: [{ name: 'admin3', authProtocol: 'sha256', authKey: 'auth-pass-256', privProtocol: 'aes', privKey: 'priv-pass-aes', access: 'admin' }],
  },
  networks: [{ name: 'net0', platform: 'ethereum' }, { name: 'net1', platform: 'bitcoin' }],
};
const V2 = ['-v2c', '-c', 'public'];
const V3 = ['-v3', '-l', 'authPriv', '-u', 'admin3', '-a', 'SHA-256', '-A', 'auth-pass-256', '-x', 'AES', '-X', 'priv-pass-aes'];

interface BulkAnswer { readonly requestBytes: number; readonly responseBytes: number; readonly errorStatus: number; readonly varbinds: number }

/** snmpbulkget (one repeater by default): the size of the answer's datagram and its varbinds. */
async function bulkget(target: string, opts: readonly string[], maxRep: number, oids: readonly string[] = [modelIndex.rootOid]): Promise<{ bytes: number; varbinds: number }> {
  const r = await snmp('snmpbulkget', target, [...opts, '-d', '-On', `-Cr${maxRep}`, '--', ...oids]);
  expect(r.code, r.stderr).to.equal(0);
  const packets = receivedPackets(`${r.stdout}\n${r.stderr}`);
  expect(packets, r.stderr).to.not.be.empty;
  // v3 first discovers the engine (a Report): the answer is the last datagram.
  return { bytes: packets[packets.length - 1], varbinds: printedVarbinds(r.stdout) };
}

describe('snmp response limits (no reflection amplifier)', function () {
  this.timeout(120000);
  let a: TestAgent;
  let snmpd: Daemon | undefined;

  before(async function () {
    requireTool(this, 'snmpbulkget', 'snmp');
    a = await startAgent(SEED);
    a.bridge.collector.apply([]); // filled by hand: no polling
    fillTree(a.bridge.tree, 2, 10, 20); // thousands of varbinds under the root
  });
  after(async () => { await snmpd?.stop(); await a?.stop(); });

  it('answers snmpbulkget -v2c -Cr10000 with no more varbinds nor octets than Debian snmpd does', async function () {
    requireTool(this, '/usr/sbin/snmpd', 'snmpd');
    snmpd = await startSnmpd();
    const ref = await bulkget(`127.0.0.1:${snmpd.port}`, V2, 10000);
    await snmpd.stop();
    snmpd = undefined;
    const ours = await bulkget(a.target, V2, 10000);
    console.log(`      snmpbulkget -Cr10000: snmpd ${ref.varbinds} varbinds in ${ref.bytes} octets; bcmgmt ${ours.varbinds} varbinds in ${ours.bytes} octets`);
    expect(ours.varbinds).to.be.above(10);
    expect(ours.varbinds).to.be.at.most(ref.varbinds);
    expect(ours.bytes).to.be.at.most(ref.bytes);
    expect(ours.bytes).to.be.at.most(1472);
  });

  it('bounds what pysnmp gets for a 10,000-repetition GetBulk, and for 20 repeaters', async function () {
    requirePysnmp(this);
    const [host, port] = a.target.split(':');
    const one = await pysnmp<BulkAnswer>(['bulk', host, port, 'public', '0', '10000', modelIndex.rootOid]);
    expect(one.errorStatus).to.equal(0);
    expect(one.varbinds).to.be.above(10).and.at.most(100);
    expect(one.responseBytes).to.be.at.most(1472);
    const oids = Array.from({ length: 20 }, (_, i) => `${modelIndex.rootOid}.${i}`);
    const many = await pysnmp<BulkAnswer>(['bulk', host, port, 'public', '0', '10000', ...oids]);
    expect(many.errorStatus).to.equal(0);
    expect(many.varbinds).to.be.at.least(20);
    expect(many.responseBytes).to.be.at.most(1472);
    console.log(`      pysnmp GetBulk: ${one.requestBytes} octets in, ${one.responseBytes} out (${one.varbinds} varbinds); 20 repeaters: ${many.requestBytes} in, ${many.responseBytes} out`);
  });

  it('follows snmpMaxMessageSize and snmpMaxRepetitions once they are set (snmpset), for v1 GETs too', async function () {
    requirePysnmp(this);
    const set = await snmp('snmpset', a.target, ['-v2c', '-c', 'private', '--',
      `${MIB}::bcmCfgSnmpMaxMessageSize.0`, 'u', '600', `${MIB}::bcmCfgSnmpMaxRepetitions.0`, 'u', '7']);
    expect(set.code, set.stderr).to.equal(0);
    try {
      const small = await bulkget(a.target, V2, 10000);
      expect(small.varbinds).to.equal(7);
      const [host, port] = a.target.split(':');
      const cut = await pysnmp<BulkAnswer>(['bulk', host, port, 'public', '0', '5', ...Array.from({ length: 20 }, (_, i) => `${modelIndex.rootOid}.${i}`)]);
      expect(cut.responseBytes).to.be.at.most(600);
      expect(cut.varbinds).to.be.above(0).and.below(100);
      // A v1 GET whose answer cannot fit is tooBig.
      const oids = Array.from({ length: 12 }, (_, d) => `${MIB}::bcmNodeClientVersion."net0"."node${d % 10}"`);
      const g = await snmp('snmpget', a.target, ['-v1', '-c', 'public', '--', ...oids]);
      expect(g.stderr).to.match(/tooBig|Response message would have been too large/);
    } finally {
      await snmp('snmpset', a.target, ['-v2c', '-c', 'private', '--',
        `${MIB}::bcmCfgSnmpMaxMessageSize.0`, 'u', '1472', `${MIB}::bcmCfgSnmpMaxRepetitions.0`, 'u', '100']);
    }
  });

  it('SNMPv3 keeps following the request\'s msgMaxSize (larger than the v1/v2c limit)', async () => {
    const r = await bulkget(a.target, V3, 90);
    expect(r.varbinds).to.equal(90);
    expect(r.bytes).to.be.above(1472);
  });
});
