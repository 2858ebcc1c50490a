/** YANG data of the NETCONF layer: rendering, subtree and XPath filters, edit-config on a document. Pure, no servers. */
import { expect } from 'chai';
import type { ConfigObject } from '../../src/config/document';
import { ConfigError, validateDocument } from '../../src/config/document';
import { nodesToXml } from '../../src/netconf/data';
import type { DNode } from '../../src/netconf/data';
import { applyEdit, configErrorToNetconf, yangPathOf } from '../../src/netconf/edit';
import { DataExistsError, DataMissingError, InvalidValueError, UnknownElementError, UnknownNamespaceError, NetconfError } from '../../src/netconf/errors';
import { subtreeFilter } from '../../src/netconf/filter';
import { externalNodes, managedSystemNode } from '../../src/netconf/render';
import { parseXml } from '../../src/netconf/xml';
import { xpathFilter } from '../../src/netconf/xpath';
import { InstanceTree } from '../../src/state/tree';
import { BCM, fillSynthetic } from '../support/netconf';

const AL = 'urn:ietf:params:xml:ns:yang:ietf-alarms';
const X733 = 'urn:ietf:params:xml:ns:yang:ietf-alarms-x733';
const nsOf = (p: string): string => ({ al: AL, x733: X733, bcm: BCM } as Record<string, string>)[p];

function sample(): { tree: InstanceTree; doc: ConfigObject; data: DNode[] } {
  const tree = new InstanceTree();
  fillSynthetic(tree, 2, 3, 2);
  const doc = validateDocument({
    networks: [{ name: 'net0', platform: 'ethereum', pollInterval: 5, nodes: [{ name: 'node0', endpoint: 'http://127.0.0.1:10000' }] },
      { name: 'net1', platform: 'ethereum', nodes: [] }, { name: 'cfgonly', platform: 'bitcoin', description: 'not collected yet' }],
    configuration: { managementUsers: [{ name: 'u1', password: 'secret-pw', publicKey: ['ssh-ed25519 AAAA k1'], role: 'admin' }] },
  });
  return { tree, doc, data: [managedSystemNode(tree.root, doc, { state: true })] };
}

const xml = (nodes: DNode[]): string => nodesToXml(nodes);
const filterEl = (inner: string): ReturnType<typeof parseXml> => parseXml(`<filter type="subtree" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${inner}</filter>`);

describe('NETCONF data (src/netconf/render, filter, xpath)', () => {
  it('renders configuration from the document and state from the tree, merged per instance; never secrets', () => {
    const { data } = sample();
    const x = xml(data);
    expect(x).to.match(/^<managed-system xmlns="urn:itu:t:m:immbs:blockchain-mgmt">/);
    expect(x).to.include('<network><name>cfgonly</name><platform>bitcoin</platform><description>not collected yet</description></network>');
    expect(x).to.include('<network><name>net0</name><platform>ethereum</platform><poll-interval>5</poll-interval><chain-id>1337</chain-id>');
    expect(x).to.include('<management-user><name>u1</name><public-key>ssh-ed25519 AAAA k1</public-key><role>admin</role></management-user>');
    expect(x).not.to.include('secret-pw');
    expect(x).to.include('<peer><index>1</index><peer-id>');
    const cfgOnly = managedSystemNode(undefined, sample().doc, { state: false });
    expect(xml([cfgOnly])).not.to.match(/chain-id|peer|oper-state/);
  });

  it('renders alarms at their ietf-alarms path: standard leaves, our augments, the history, keys first', () => {
    const tree = new InstanceTree();
    const t = Date.parse('2026-11-25T12:00:00Z');
    const ap = [{ cls: 'fault' }, { cls: 'alarm', keys: [7] }];
    tree.set([{ cls: 'fault' }], { activeAlarms: 1, alarmListLastChanged: t });
    tree.set(ap, { resource: 'network/dev/node/n1', type: 'nodeUnreachable', typeQualifier: '', timeCreated: t, isCleared: false, lastRaised: t, lastChanged: t,
      perceivedSeverity: 'major', alarmText: 'n1 down', eventType: 'communicationsAlarm', probableCause: 306, specificProblem: 'RPC endpoint of the node does not answer', operatorState: 'none' });
    tree.set([...ap, { cls: 'alarmStatusChange', keys: [1] }], { time: t, perceivedSeverity: 'major', alarmText: 'n1 down' });
    const x = xml(externalNodes(tree.root, nsOf));
    expect(x).to.equal(`<alarms xmlns="${AL}"><alarm-list><number-of-alarms>1</number-of-alarms><last-changed>2026-11-25T12:00:00.000Z</last-changed>` +
      '<alarm><resource>network/dev/node/n1</resource><alarm-type-id xmlns:bcm="urn:itu:t:m:immbs:blockchain-mgmt">bcm:node-unreachable</alarm-type-id><alarm-type-qualifier/>' +
      `<index xmlns="${BCM}">7</index><time-created>2026-11-25T12:00:00.000Z</time-created><is-cleared>false</is-cleared><last-raised>2026-11-25T12:00:00.000Z</last-raised>` +
      '<last-changed>2026-11-25T12:00:00.000Z</last-changed><perceived-severity>major</perceived-severity><alarm-text>n1 down</alarm-text>' +
      `<event-type xmlns="${X733}">communications-alarm</event-type><probable-cause xmlns="${X733}">306</probable-cause>` +
      `<specific-problem xmlns="${BCM}">RPC endpoint of the node does not answer</specific-problem><operator-state xmlns="${BCM}">none</operator-state>` +
      `<status-change><time>2026-11-25T12:00:00.000Z</time><index xmlns="${BCM}">1</index><perceived-severity>major</perceived-severity><alarm-text>n1 down</alarm-text></status-change>` +
      '</alarm></alarm-list></alarms>');
  });

  describe('subtree filters (RFC 6241 section 6)', () => {
    const { data } = sample();
    it('containment and content match nodes select one leaf of one instance, with the keys', () => {
      const f = filterEl(`<managed-system xmlns="${BCM}"><network><name>net1</name><node><name>node2</name><height/></node></network></managed-system>`);
      expect(xml(subtreeFilter(data, f))).to.equal(`<managed-system xmlns="${BCM}"><network><name>net1</name><node><name>node2</name><height>123456</height></node></network></managed-system>`);
    });
    it('a selection node selects the whole subtree; only content match nodes select the whole instance', () => {
      const f = filterEl(`<managed-system xmlns="${BCM}"><network><name>net0</name><node><name>node1</name><tx-pool/></node></network></managed-system>`);
      expect(xml(subtreeFilter(data, f))).to.include('<tx-pool><pending>12</pending><queued>3</queued></tx-pool></node>');
      const all = xml(subtreeFilter(data, filterEl(`<managed-system xmlns="${BCM}"><network><name>net0</name><node><name>node1</name></node></network></managed-system>`)));
      expect(all).to.include('<peer><index>2</index>');
      expect(all).not.to.include('node2');
    });
    it('a failed content match selects nothing; the empty namespace matches any; another namespace nothing', () => {
      expect(subtreeFilter(data, filterEl(`<managed-system xmlns="${BCM}"><network><name>nope</name></network></managed-system>`))).to.deep.equal([]);
      expect(xml(subtreeFilter(data, filterEl('<managed-system xmlns=""><network><name>net0</name><chain-id/></network></managed-system>'))))
        .to.equal(`<managed-system xmlns="${BCM}"><network><name>net0</name><chain-id>1337</chain-id></network></managed-system>`);
      expect(subtreeFilter(data, filterEl('<managed-system xmlns="urn:other"><network-count/></managed-system>'))).to.deep.equal([]);
      expect(subtreeFilter(data, filterEl(`<managed-system xmlns="${BCM}"><network name="x"/></managed-system>`))).to.deep.equal([]);
      expect(subtreeFilter(data, filterEl(''))).to.deep.equal([]);
    });
    it('several containment nodes of one list are united', () => {
      const f = filterEl(`<managed-system xmlns="${BCM}"><network><name>net0</name><chain-id/></network><network><name>net1</name><best-height/></network>` +
        '<network><name>net0</name><best-height/></network></managed-system>');
      expect(xml(subtreeFilter(data, f))).to.equal(`<managed-system xmlns="${BCM}"><network><name>net0</name><chain-id>1337</chain-id><best-height>123456</best-height></network>` +
        '<network><name>net1</name><best-height>123456</best-height></network></managed-system>');
    });
  });

  describe('XPath filters', () => {
    const { data } = sample();
    const ns = (p: string): string | undefined => (p === 'bcm' ? BCM : undefined);
    it('selects leaves through keyed paths, with ancestors and their keys', () => {
      expect(xml(xpathFilter(data, "/bcm:managed-system/bcm:network[bcm:name='net1']/bcm:node[bcm:name=\"node0\"]/bcm:height", ns)))
        .to.equal(`<managed-system xmlns="${BCM}"><network><name>net1</name><node><name>node0</name><height>123456</height></node></network></managed-system>`);
      const heights = xml(xpathFilter(data, "/bcm:managed-system/bcm:network[bcm:name='net0']/bcm:node/bcm:height", ns));
      expect(heights.match(/<height>/g)).to.have.length(3);
    });
    it('supports //, positions, comparisons, functions, unions and unprefixed names', () => {
      expect(xml(xpathFilter(data, "//bcm:network[bcm:name='net0']//bcm:peer[bcm:index=2][contains(bcm:address, '.2:')]/bcm:address", ns))
        .match(/<address>/g)).to.have.length(3);
      expect(xpathFilter(data, "//bcm:peer[bcm:index=2][contains(bcm:address, '.1:')]", ns)).to.deep.equal([]);
      expect(xml(xpathFilter(data, '/managed-system/network[2]/name', ns))).to.include('<name>net0</name>'); // cfgonly, net0, net1 in key order
      expect(xml(xpathFilter(data, '/bcm:managed-system/bcm:network[count(bcm:node) > 2]/bcm:name | /bcm:managed-system/bcm:network-count', ns)))
        .to.match(/<network-count>|<name>net0<\/name>.*<name>net1<\/name>/);
      expect(xml(xpathFilter(data, "/bcm:managed-system/bcm:network[not(bcm:platform='ethereum')]/bcm:name", ns))).to.include('cfgonly');
    });
    it('refuses what it cannot evaluate', () => {
      expect(() => xpathFilter(data, '/x:managed-system', ns)).to.throw(/prefix x/);
      expect(() => xpathFilter(data, 'count(/bcm:managed-system)', ns)).to.throw(/does not select nodes/);
      expect(() => xpathFilter(data, '/bcm:a[', ns)).to.throw();
      expect(() => xpathFilter(data, '/following::x', ns)).to.throw(/not supported/);
    });
  });
});

describe('edit-config on a document (src/netconf/edit)', () => {
  const cfg = (inner: string, extra = ''): ReturnType<typeof parseXml> =>
    parseXml(`<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"${extra}><managed-system xmlns="${BCM}">${inner}</managed-system></config>`);
  const base = (): ConfigObject => validateDocument({
    networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 5, nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:8545' }] }],
    configuration: { managementUsers: [{ name: 'u', password: 'p', publicKey: ['k1'], role: 'admin' }] },
  });
  const fails = (f: () => void, cls: new (...a: never[]) => NetconfError, path?: string): NetconfError => {
    let err: unknown;
    try { f(); } catch (e) { err = e; }
    expect(err, 'an error').to.be.instanceOf(cls);
    if (path) expect((err as NetconfError).fields.path).to.equal(path);
    return err as NetconfError;
  };

  it('merges leaves and new list entries; replaces and removes; creates', () => {
    const d = base();
    applyEdit(d, cfg('<network><name>dev</name><poll-interval>9</poll-interval><node nc:operation="create"><name>n2</name><endpoint>http://h:1</endpoint></node></network>'), 'merge');
    expect(d.networks).to.deep.equal([{ name: 'dev', platform: 'ethereum', pollInterval: 9,
      nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:8545' }, { name: 'n2', endpoint: 'http://h:1' }] }]);
    applyEdit(d, cfg('<network nc:operation="replace"><name>dev</name><platform>bitcoin</platform></network><network><name>x</name><platform>ethereum</platform></network>'), 'merge');
    expect(d.networks).to.deep.equal([{ name: 'dev', platform: 'bitcoin' }, { name: 'x', platform: 'ethereum' }]);
    applyEdit(d, cfg('<network nc:operation="remove"><name>x</name></network><network nc:operation="remove"><name>absent</name></network>'), 'merge');
    expect(d.networks).to.deep.equal([{ name: 'dev', platform: 'bitcoin' }]);
    expect(() => validateDocument(d)).not.to.throw();
  });

  it('create on an existing entry is data-exists, delete of a missing one data-missing, with the YANG path', () => {
    const e = fails(() => applyEdit(base(), cfg('<network nc:operation="create"><name>dev</name></network>'), 'merge'), DataExistsError,
      "/bcm:managed-system/bcm:network[bcm:name='dev']");
    expect(e.fields.pathNamespaces).to.deep.equal({ bcm: BCM });
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><node nc:operation="delete"><name>zz</name></node></network>'), 'merge'), DataMissingError,
      "/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:node[bcm:name='zz']");
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><description nc:operation="delete"/></network>'), 'merge'), DataMissingError,
      "/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:description");
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><poll-interval nc:operation="create">3</poll-interval></network>'), 'merge'), DataExistsError);
  });

  it('default-operation none only locates: a missing entry is data-missing, leaves without operation are left', () => {
    const d = base();
    applyEdit(d, cfg('<network><name>dev</name><poll-interval>99</poll-interval><description nc:operation="merge">hi</description></network>'), 'none');
    expect((d.networks as ConfigObject[])[0]).to.include({ pollInterval: 5, description: 'hi' });
    fails(() => applyEdit(base(), cfg('<network><name>other</name><description nc:operation="merge">x</description></network>'), 'none'), DataMissingError);
  });

  it('leaf-lists: merge adds, delete removes one value', () => {
    const d = base();
    applyEdit(d, cfg('<configuration><management-user><name>u</name><public-key>k2</public-key><public-key>k1</public-key></management-user></configuration>'), 'merge');
    expect(((d.configuration as ConfigObject).managementUsers as ConfigObject[])[0].publicKey).to.deep.equal(['k1', 'k2']);
    applyEdit(d, cfg('<configuration><management-user><name>u</name><public-key nc:operation="delete">k1</public-key></management-user></configuration>'), 'merge');
    expect(((d.configuration as ConfigObject).managementUsers as ConfigObject[])[0].publicKey).to.deep.equal(['k2']);
    fails(() => applyEdit(d, cfg('<configuration><management-user><name>u</name><public-key nc:operation="delete">k9</public-key></management-user></configuration>'), 'merge'),
      DataMissingError, "/bcm:managed-system/bcm:configuration/bcm:management-user[bcm:name='u']/bcm:public-key[.='k9']");
  });

  it('refuses state, unknown nodes and namespaces, bad values; enums and identities are YANG names', () => {
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><chain-id>1</chain-id></network>'), 'merge'), InvalidValueError);
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><bogus>1</bogus></network>'), 'merge'), UnknownElementError);
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><x:y xmlns:x="urn:x">1</x:y></network>'), 'merge'), UnknownNamespaceError);
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><poll-interval>0</poll-interval></network>'), 'merge'), InvalidValueError,
      "/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:poll-interval");
    fails(() => applyEdit(base(), cfg('<network><name>dev</name><poll-interval>007x</poll-interval></network>'), 'merge'), InvalidValueError);
    const d = base();
    applyEdit(d, cfg('<network><name>dev</name><admin-state>shutting-down</admin-state></network>' +
      '<fault><alarm-policy><type xmlns:b="urn:itu:t:m:immbs:blockchain-mgmt">b:node-unreachable</type><raise-level>007</raise-level></alarm-policy></fault>'), 'merge');
    expect((d.networks as ConfigObject[])[0].adminState).to.equal('shuttingDown');
    expect((d.fault as ConfigObject).alarmPolicies).to.deep.equal([{ type: 'nodeUnreachable', raiseLevel: 7 }]);
  });

  it('maps datastore errors to YANG paths', () => {
    const doc = base();
    (doc.networks as ConfigObject[]).push({ name: 'lc', platform: 'bitcoin', nodes: [{ name: 'b1' }] });
    expect(yangPathOf(doc, 'networks[1].nodes[0].endpoint')).to.equal("/bcm:managed-system/bcm:network[bcm:name='lc']/bcm:node[bcm:name='b1']/bcm:endpoint");
    expect(yangPathOf(doc, 'configuration.managementUsers[0].publicKey[0]')).to.equal("/bcm:managed-system/bcm:configuration/bcm:management-user[bcm:name='u']/bcm:public-key[.='k1']");
    const e = configErrorToNetconf(new ConfigError('networks[1].nodes[0].endpoint', 'is required'), doc);
    expect(e.tag).to.equal('data-missing');
  });
});
