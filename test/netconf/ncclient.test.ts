/**
 * NETCONF over SSH with a real client (ncclient under /usr/bin/python3): hello and base:1.1, filtered get,
 * edit-config reaching the collector, data-exists, locks between two sessions, get-schema, access control,
 * actions, and notifications from real chains (the embedded Ethereum dev chain; litecoind regtest).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigObject } from '../../src/config/document';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { LitecoinNetwork, requireLitecoind } from '../support/litecoind';
import { ADMIN, BCM, READER, login, ncclient, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge, StepResult } from '../support/netconf';
import { projectRoot, requireNcclient } from '../support/tools';
import { until } from '../support/wait';

const yangDir = path.join(projectRoot, 'yang');
const ourModule = fs.readdirSync(yangDir).find((f) => f.startsWith('blockchain-mgmt@'))!;

function ok(r: StepResult): StepResult {
  expect(r.ok, `${r.op}: ${JSON.stringify(r.error ?? r.exception)}`).to.equal(true);
  return r;
}

function count(xml: string, re: RegExp): number { return (xml.match(re) ?? []).length; }

describe('NETCONF over SSH with ncclient', function () {
  this.timeout(120_000);

  describe('configuration, locks, schemas and access control', () => {
    let nb: NetconfBridge;
    const seed: ConfigObject = {
      networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 5,
        nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }, { name: 'n2', endpoint: 'http://127.0.0.1:9' }] }],
    };
    before(async function () {
      requireNcclient(this);
      nb = await startNetconfBridge(seed);
    });
    after(async () => { await nb?.cleanup(); });

    it('negotiates base:1.1 (chunked framing) and advertises the capabilities and modules; session-id in the hello', async () => {
      const [c] = await ncclient(nb.sshPort, [login(ADMIN)]);
      ok(c);
      expect(c.base11).to.equal(true);
      expect(Number(c.session_id)).to.be.greaterThan(0);
      for (const cap of ['urn:ietf:params:netconf:base:1.0', 'urn:ietf:params:netconf:base:1.1', 'urn:ietf:params:netconf:capability:writable-running:1.0',
        'urn:ietf:params:netconf:capability:startup:1.0', 'urn:ietf:params:netconf:capability:validate:1.1', 'urn:ietf:params:netconf:capability:xpath:1.0',
        'urn:ietf:params:netconf:capability:notification:1.0', 'urn:ietf:params:netconf:capability:interleave:1.0']) {
        expect(c.capabilities, cap).to.include(cap);
      }
      expect(c.capabilities).to.include(`${BCM}?module=blockchain-mgmt&revision=${ourModule.slice('blockchain-mgmt@'.length, -'.yang'.length)}`);
      expect(c.capabilities!.some((x) => x.startsWith('urn:ietf:params:xml:ns:yang:ietf-alarms?module=ietf-alarms&revision=2019-09-11'))).to.equal(true);
      expect(c.capabilities!.some((x) => x.startsWith('urn:ietf:params:netconf:capability:yang-library:1.0?'))).to.equal(true);
    });

    it('get with a subtree filter returns exactly one node', async () => {
      const filter = ['subtree', `<managed-system xmlns="${BCM}"><network><name>dev</name><node><name>n2</name><reachability/><endpoint/></node></network></managed-system>`];
      const [, g] = await ncclient(nb.sshPort, [login(ADMIN), { op: 'get', filter }]);
      const xml = ok(g).xml!;
      expect(count(xml, /<node>/g)).to.equal(1);
      expect(xml).to.match(/<node><name>n2<\/name><endpoint>http:\/\/127\.0\.0\.1:9<\/endpoint>(<reachability>[a-z]+<\/reachability>)?<\/node>/);
      expect(count(xml, /<network>/g)).to.equal(1);
      const [, x] = await ncclient(nb.sshPort, [login(ADMIN),
        { op: 'get', filter: ['xpath', [{ bcm: BCM }, "/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:node[bcm:name='n1']/bcm:endpoint"]] }]);
      expect(count(ok(x).xml!, /<node>/g)).to.equal(1);
    });

    it('edit-config of a network\'s poll-interval shows in get-config and the collector uses it', async () => {
      const config = `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval>17</poll-interval></network></managed-system></config>`;
      const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'edit_config', config },
        { op: 'get_config', filter: ['subtree', `<managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval/></network></managed-system>`] }]);
      ok(rs[1]);
      expect(ok(rs[2]).xml).to.include('<network><name>dev</name><poll-interval>17</poll-interval></network>');
      expect(nb.bridge.collector.networks.get('dev')!.settings.pollInterval).to.equal(17);
      expect(nb.bridge.tree.find([{ cls: 'network', keys: ['dev'] }])!.get('pollInterval')).to.equal(17);
      expect(nb.bridge.datastore.lastCommit).to.include({ user: 'admin', source: 'netconf' });
    });

    it('create on an existing entry is data-exists; an invalid value is invalid-value with its YANG path; nothing is committed', async () => {
      const before = nb.bridge.datastore.commitCount;
      const rs = await ncclient(nb.sshPort, [login(ADMIN),
        { op: 'edit_config', config: `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><network><name>dev</name><description>x</description><node nc:operation="create"><name>n1</name><endpoint>http://127.0.0.1:10</endpoint></node></network></managed-system></config>` },
        { op: 'edit_config', config: `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><network><name>dev</name><poll-interval>0</poll-interval></network></managed-system></config>` }]);
      expect(rs[1].error?.tag).to.equal('data-exists');
      expect(rs[1].error?.path).to.equal("/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:node[bcm:name='n1']");
      expect(rs[2].error?.tag).to.equal('invalid-value');
      expect(rs[2].error?.path).to.equal("/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:poll-interval");
      expect(rs[2].error?.message).to.match(/out of range 1\.\.3600/);
      expect(nb.bridge.datastore.commitCount).to.equal(before);
      expect(JSON.stringify(nb.bridge.running)).not.to.include('"description":"x"');
    });

    it('a second session\'s lock is lock-denied with the first session\'s id; its edits are in-use; unlock frees it', async () => {
      const rs = await ncclient(nb.sshPort, [login(ADMIN, 'a'), login(ADMIN, 'b'), { op: 'lock', session: 'a' }, { op: 'lock', session: 'b' },
        { op: 'edit_config', session: 'b', config: `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><network><name>dev</name><description>b</description></network></managed-system></config>` },
        { op: 'get', session: 'b', filter: ['subtree', '<netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><datastores/></netconf-state>'] },
        { op: 'unlock', session: 'a' }, { op: 'lock', session: 'b' }, { op: 'unlock', session: 'b' }]);
      const first = ok(rs[0]).session_id!;
      ok(rs[2]);
      expect(rs[3].error?.tag).to.equal('lock-denied');
      expect(rs[3].error?.info).to.match(new RegExp(`<session-id>${first}</session-id>`));
      expect(rs[4].error?.tag).to.equal('in-use');
      expect(ok(rs[5]).xml).to.include(`<locked-by-session>${first}</locked-by-session>`);
      ok(rs[6]); ok(rs[7]); ok(rs[8]);
    });

    it('a lock ends with its session', async () => {
      const held = await ncclient(nb.sshPort, [login(ADMIN, 'a'), { op: 'lock', session: 'a', target: 'startup' },
        { op: 'get', session: 'a', filter: ['subtree', '<netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><datastores/></netconf-state>'] }]);
      const first = ok(held[0]).session_id!;
      ok(held[1]);
      expect(ok(held[2]).xml).to.match(new RegExp(`<name>startup</name><locks><global-lock><locked-by-session>${first}</locked-by-session>`));
      const rs = await ncclient(nb.sshPort, [login(ADMIN, 'b'), { op: 'lock', session: 'b', target: 'startup' }, { op: 'unlock', session: 'b', target: 'startup' }]);
      ok(rs[1]); ok(rs[2]);
    });

    it('get-schema returns the files of yang/ byte for byte', async () => {
      const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'get_schema', identifier: 'blockchain-mgmt' },
        { op: 'get_schema', identifier: 'ietf-alarms', version: '2019-09-11' }, { op: 'get_schema', identifier: 'no-such-module' }]);
      expect(ok(rs[1]).data).to.equal(fs.readFileSync(path.join(yangDir, ourModule), 'utf8'));
      expect(ok(rs[2]).data).to.equal(fs.readFileSync(path.join(yangDir, 'ietf-alarms@2019-09-11.yang'), 'utf8'));
      expect(rs[3].error?.tag).to.equal('invalid-value');
    });

    it('copy-config running to startup, validate, and get-config of startup; secrets are never returned', async () => {
      const config = `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><configuration><management-user><name>ops</name><password>ops-password-1</password><role>read-only</role></management-user></configuration></managed-system></config>`;
      const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'edit_config', config }, { op: 'copy_config', source: 'running', target: 'startup' },
        { op: 'validate', source: 'startup' }, { op: 'get_config', source: 'startup' }, login({ name: 'ops', password: 'ops-password-1' }, 'o')]);
      for (const r of rs) ok(r);
      expect(rs[4].xml).to.include('<management-user><name>ops</name><role>read-only</role></management-user>');
      expect(rs[4].xml).not.to.match(/<password>/);
      const stored = JSON.stringify(nb.bridge.datastore.get('startup'));
      expect(stored).not.to.include('ops-password-1');
      expect(stored).to.match(/"password":"scrypt\$/);
    });

    it('read-only users read, and get access-denied for edit-config, copy-config, lock and actions', async () => {
      const config = `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><network><name>dev</name><description>ro</description></network></managed-system></config>`;
      const rs = await ncclient(nb.sshPort, [login(READER), { op: 'get_config' }, { op: 'edit_config', config }, { op: 'copy_config', source: 'running', target: 'startup' },
        { op: 'lock' }, { op: 'rpc', xml: `<action xmlns="urn:ietf:params:xml:ns:yang:1"><managed-system xmlns="${BCM}"><network><name>dev</name><node><name>n1</name><stop-block-production/></node></network></managed-system></action>` }]);
      ok(rs[1]);
      for (const r of rs.slice(2)) expect(r.error?.tag, r.op).to.equal('access-denied');
    });

    it('actions run through the node adapter: what the platform lacks is operation-not-supported, a missing node data-missing', async () => {
      const act = (node: string, body: string): string => `<action xmlns="urn:ietf:params:xml:ns:yang:1"><managed-system xmlns="${BCM}"><network><name>dev</name><node><name>${node}</name>${body}</node></network></managed-system></action>`;
      const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'rpc', xml: act('n1', '<set-network-active><active>false</active></set-network-active>') },
        { op: 'rpc', xml: act('zz', '<stop-block-production/>') }, { op: 'rpc', xml: act('n1', '<set-network-active/>') },
        { op: 'rpc', xml: act('n1', '<set-log-level><level>loud</level></set-log-level>') }, { op: 'rpc', xml: act('n1', '<stop-block-production/>') }]);
      expect(rs[1].error?.tag).to.equal('operation-not-supported');
      expect(rs[1].error?.message).to.match(/setNetworkActive/);
      expect(rs[2].error?.tag).to.equal('data-missing');
      expect(rs[3].error?.tag).to.equal('missing-element');
      expect(rs[4].error?.tag).to.equal('invalid-value');
      expect(rs[5].error?.tag).to.equal('operation-failed'); // n1 does not answer
    });

    it('create-subscription: replay and unknown streams are refused, one subscription per session', async () => {
      const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'subscribe', start_time: '2026-01-01T00:00:00Z' }, { op: 'subscribe', stream: 'OTHER' },
        { op: 'subscribe' }, { op: 'subscribe' }, { op: 'get_config' }]);
      expect(rs[1].error?.tag).to.equal('operation-failed');
      expect(rs[1].error?.message).to.match(/replay/);
      expect(rs[2].error?.tag).to.equal('invalid-value');
      ok(rs[3]);
      expect(rs[4].error?.tag).to.equal('in-use');
      ok(rs[5]); // interleave: RPCs go on during a subscription
    });
  });

  describe('with the embedded Ethereum dev chain', () => {
    let chain: DevChain;
    let nb: NetconfBridge;
    before(async function () {
      requireNcclient(this);
      chain = await startDevChain({ blockIntervalMs: 1000, workload: true });
      nb = await startNetconfBridge({ networks: [{ name: 'eth', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: chain.url }] }] });
      await until('the dev chain node polled', () => nb.bridge.tree.find([{ cls: 'network', keys: ['eth'] }, { cls: 'node', keys: ['n1'] }])?.get('reachability') === 'reachable');
    });
    after(async () => { await nb?.cleanup(); await chain?.stop(); });

    it('a subscription receives new-block notifications of the chain', async () => {
      const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'subscribe' }, { op: 'notification', contains: 'new-block', timeout: 30 }]);
      const n = ok(rs[2]).xml!;
      expect(n).to.match(/<eventTime>\d{4}-\d\d-\d\dT[\d:.]+Z<\/eventTime>/);
      expect(n).to.match(new RegExp(`<new-block xmlns="${BCM}"><network>eth</network><ledger>main</ledger><height>\\d+</height><hash>0x[0-9a-f]{64}</hash>`));
    });

    it('a subscription filter selects notifications; a node added by edit-config is announced', async () => {
      const filter = ['subtree', `<node-added xmlns="${BCM}"/>`];
      const config = `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><network><name>eth</name><node><name>n2</name><endpoint>${chain.url}</endpoint></node></network></managed-system></config>`;
      const rs = await ncclient(nb.sshPort, [login(ADMIN, 'a'), login(ADMIN, 'b'), { op: 'subscribe', session: 'a', filter }, { op: 'edit_config', session: 'b', config },
        { op: 'notification', session: 'a', timeout: 20 }]);
      const n = ok(rs[4]).xml!;
      expect(n).to.include(`<node-added xmlns="${BCM}"><network>eth</network><node>n2</node></node-added>`);
    });

    it('stop-block-production and start-block-production act on the node', async () => {
      const act = (a: string): string => `<action xmlns="urn:ietf:params:xml:ns:yang:1"><managed-system xmlns="${BCM}"><network><name>eth</name><node><name>n1</name><${a}/></node></network></managed-system></action>`;
      const [, stop] = await ncclient(nb.sshPort, [login(ADMIN), { op: 'rpc', xml: act('stop-block-production') }]);
      expect(ok(stop).xml).to.include('<ok/>');
      expect(await chain.request('eth_mining')).to.equal(false);
      const [, start] = await ncclient(nb.sshPort, [login(ADMIN), { op: 'rpc', xml: act('start-block-production') }]);
      ok(start);
      expect(await chain.request('eth_mining')).to.equal(true);
    });
  });

  describe('with a litecoind regtest node', () => {
    let net: LitecoinNetwork | undefined;
    let nb: NetconfBridge;
    before(async function () {
      requireNcclient(this);
      requireLitecoind(this);
      net = await LitecoinNetwork.start({ nodes: 1 });
      await net.mine(0, 1);
      const c = net.credentials(0);
      process.env.BCMGMT_NETCONF_TEST_LTC_PASSWORD = c.password ?? '';
      nb = await startNetconfBridge({ configuration: { rpcTimeout: 1000 }, networks: [{ name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: [{ name: 'l0', endpoint: net.rpcUrl(0), ...(c.cookieFile ? { cookieFile: c.cookieFile } : { username: c.username ?? '', passwordEnv: 'BCMGMT_NETCONF_TEST_LTC_PASSWORD' }) }] }] });
      await until('the litecoind node polled', () => nb.bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: ['l0'] }])?.get('reachability') === 'reachable', 30000);
    });
    after(async () => { await nb?.cleanup(); await net?.stopAll(); });

    it('stopping the node sends node-reachability-changed', async () => {
      const filter = ['subtree', `<node-reachability-changed xmlns="${BCM}"/>`];
      const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'subscribe', filter }, { op: 'wait', name: 'subscribed' },
        { op: 'notification', timeout: 30, contains: 'unreachable' }], async () => { await net!.stop(0); });
      const n = ok(rs[3]).xml!;
      expect(n).to.match(new RegExp(`<node-reachability-changed xmlns="${BCM}"><network>ltc</network><node>l0</node><reachability>unreachable</reachability>`));
    });
  });
});
