/**
 * NETCONF conformance points checked with real clients:
 *   - copy-config with the same source and target is invalid-value (RFC 6241 section 7.3; ncclient);
 *   - the hello's yang-library capabilities carry the revision of the ietf-yang-library module served, and the
 *     content-id of the library (RFC 8526 section 2, RFC 7950 section 5.6.4; ncclient);
 *   - every schema listed in /netconf-state/schemas, fetched with get-schema, compiles with yanglint from the
 *     fetched set alone;
 *   - RFC 5277 stream discovery (/netconf/streams);
 *   - OpenSSH's `ssh -s netconf` exits 0 after a close-session (the server sends exit-status);
 *   - error-option continue-on-error applies the valid parts and reports each error; stop-on-error and
 *     rollback-on-error apply nothing (ncclient);
 *   - a subscription whose filter fails on a notification: not sent, counted, logged as a warning.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogEntry } from '../../src/events';
import { ADMIN, BCM, EOM, READER, login, ncclient, rpc } from '../support/netconf';
import type { NetconfBridge, StepResult } from '../support/netconf';
import { startNetconfBridge } from '../support/netconf';
import { requireNcclient, requireTool } from '../support/tools';

const NCM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';
const YANGLIB = 'urn:ietf:params:xml:ns:yang:ietf-yang-library';

function ok(r: StepResult): StepResult {
  expect(r.ok, `${r.op}: ${JSON.stringify(r.error ?? r.exception)}`).to.equal(true);
  return r;
}

describe('NETCONF conformance (RFC 6241, 5277, 6242, 8526) with ncclient, yanglint and OpenSSH', function () {
  this.timeout(120_000);
  let nb: NetconfBridge;
  let tmp = '';
  const records: LogEntry[] = [];

  before(async function () {
    requireNcclient(this);
    requireTool(this, 'ssh-keygen', 'openssh-client');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-nc-conf-'));
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'admin@test', '-f', path.join(tmp, 'key')]).status).to.equal(0);
    const pub = fs.readFileSync(path.join(tmp, 'key.pub'), 'utf8').trim();
    nb = await startNetconfBridge({
      networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 5, nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }],
      configuration: { managementUsers: [{ name: ADMIN.name, password: ADMIN.password, role: 'admin', publicKey: [pub] },
        { name: READER.name, password: READER.password, role: 'readOnly' }] },
    }, { withUsers: false, setup: (b) => b.on('record', (r) => records.push(r)) });
  });
  after(async () => {
    await nb?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('copy-config with the same source and target is invalid-value, and commits nothing', async () => {
    const before = nb.bridge.datastore.commitCount;
    const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'copy_config', source: 'running', target: 'running' },
      { op: 'copy_config', source: 'startup', target: 'startup' }, { op: 'copy_config', source: 'running', target: 'startup' }]);
    for (const r of [rs[1], rs[2]]) {
      expect(r.error?.tag, JSON.stringify(r)).to.equal('invalid-value');
      expect(r.error?.message).to.match(/source and target are both the (running|startup) datastore/);
    }
    ok(rs[3]);
    expect(nb.bridge.datastore.commitCount).to.equal(before);
  });

  it('the hello carries the revision of the ietf-yang-library served, with its content-id', async () => {
    const rs = await ncclient(nb.sshPort, [login(ADMIN),
      { op: 'get', filter: ['subtree', `<yang-library xmlns="${YANGLIB}"/>`] }, { op: 'get_schema', identifier: 'ietf-yang-library' }]);
    const caps = ok(rs[0]).capabilities!;
    const lib = /<module><name>ietf-yang-library<\/name><revision>([\d-]+)<\/revision>/.exec(ok(rs[1]).xml!);
    expect(lib, rs[1].xml!).not.to.equal(null);
    const revision = lib![1];
    const contentId = /<content-id>([^<]+)<\/content-id>/.exec(rs[1].xml!)![1];
    expect(caps).to.include(`urn:ietf:params:netconf:capability:yang-library:1.1?revision=${revision}&content-id=${contentId}`);
    expect(caps).to.include(`urn:ietf:params:netconf:capability:yang-library:1.0?revision=${revision}&module-set-id=${contentId}`);
    // the text served is that revision (its newest revision statement)
    const revisions = [...ok(rs[2]).data!.matchAll(/^\s*revision\s+"?(\d{4}-\d\d-\d\d)"?\s*\{/gm)].map((m) => m[1]).sort();
    expect(revisions[revisions.length - 1]).to.equal(revision);
  });

  it('every schema of /netconf-state/schemas, fetched with get-schema, compiles with yanglint from the fetched set alone', async function () {
    requireTool(this, 'yanglint', 'libyang2-tools');
    const [, list] = await ncclient(nb.sshPort, [login(ADMIN), { op: 'get', filter: ['subtree', `<netconf-state xmlns="${NCM}"><schemas/></netconf-state>`] }]);
    const schemas = [...ok(list).xml!.matchAll(/<schema><identifier>([^<]+)<\/identifier><version>([^<]*)<\/version><format>yang<\/format>/g)].map((m) => ({ id: m[1], version: m[2] }));
    expect(schemas.map((s) => s.id)).to.include.members(['blockchain-mgmt', 'ietf-alarms', 'notifications', 'nc-notifications', 'ietf-yang-library']);
    const rs = await ncclient(nb.sshPort, [login(ADMIN), ...schemas.map((s) => ({ op: 'get_schema', identifier: s.id, version: s.version }))]);
    const dir = path.join(tmp, 'schemas');
    fs.mkdirSync(dir);
    schemas.forEach((s, i) => fs.writeFileSync(path.join(dir, `${s.id}${s.version ? `@${s.version}` : ''}.yang`), ok(rs[i + 1]).data!));
    const failed: string[] = [];
    for (const f of fs.readdirSync(dir)) {
      const r = spawnSync('yanglint', ['-p', dir, path.join(dir, f)], { encoding: 'utf8', cwd: dir });
      if (r.status !== 0) failed.push(`${f}: ${r.stdout}${r.stderr}`);
    }
    expect(failed, failed.join('\n')).to.deep.equal([]);
  });

  it('RFC 5277 stream discovery returns the NETCONF stream without replay', async () => {
    const [, g] = await ncclient(nb.sshPort, [login(READER),
      { op: 'get', filter: ['subtree', '<netconf xmlns="urn:ietf:params:xml:ns:netmod:notification"><streams/></netconf>'] }]);
    const xml = ok(g).xml!;
    expect(xml).to.match(/<data><netconf xmlns="urn:ietf:params:xml:ns:netmod:notification"><streams><stream><name>NETCONF<\/name><description>[^<]+<\/description><replaySupport>false<\/replaySupport><\/stream><\/streams><\/netconf><\/data>/);
    expect(xml).not.to.include('<managed-system');
  });

  it('OpenSSH `ssh -s netconf` exits 0 after close-session (exit-status sent)', async function () {
    requireTool(this, 'ssh', 'openssh-client');
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', path.join(tmp, 'key'), '-o', 'StrictHostKeyChecking=no',
        '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(nb.sshPort), `${ADMIN.name}@127.0.0.1`, '-s', 'netconf'],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: tmp } });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
      // stdin stays open: the server, not an EOF from the client, ends the session
      p.stdin.write(`<?xml version="1.0"?><hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}`);
      p.stdin.write(`${rpc('g', '<get-config><source><running/></source></get-config>')}${EOM}${rpc('bye', '<close-session/>')}${EOM}`);
      p.on('close', (code) => { clearTimeout(timer); p.stdin.destroy(); resolve({ code, out, err }); });
    });
    expect(r.out).to.match(/message-id="g"[^]*<name>dev<\/name>/);
    expect(r.out).to.match(/message-id="bye"><ok\/><\/rpc-reply>\]\]>\]\]>$/);
    expect(r.code, r.err).to.equal(0);
  });

  it('continue-on-error applies the valid parts and reports every error; stop-on-error and rollback-on-error apply nothing', async () => {
    const edit = (description: string): string => `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0">` +
      `<managed-system xmlns="${BCM}"><network><name>dev</name><description>${description}</description><poll-interval>0</poll-interval>` +
      `<node nc:operation="create"><name>n1</name><endpoint>http://127.0.0.1:10</endpoint></node>` +
      `<node><name>n2</name><endpoint>http://127.0.0.1:11</endpoint></node></network></managed-system></config>`;
    const description = (): unknown => ((nb.bridge.running.networks as { name: string; description?: string }[]).find((n) => n.name === 'dev'))?.description;
    const nodes = (): string[] => ((nb.bridge.running.networks as { name: string; nodes: { name: string }[] }[]).find((n) => n.name === 'dev'))!.nodes.map((n) => n.name);
    const rs = await ncclient(nb.sshPort, [login(ADMIN), { op: 'edit_config', config: edit('stop'), error_option: 'stop-on-error' },
      { op: 'edit_config', config: edit('rollback'), error_option: 'rollback-on-error' }]);
    expect(rs[1].error?.tag).to.equal('invalid-value');
    expect(rs[2].error?.tag).to.equal('invalid-value');
    expect(description()).to.equal(undefined);
    expect(nodes()).to.deep.equal(['n1']);
    const before = nb.bridge.datastore.commitCount;
    const [, c] = await ncclient(nb.sshPort, [login(ADMIN), { op: 'edit_config', config: edit('continued'), error_option: 'continue-on-error' }]);
    expect(c.ok).to.equal(false);
    expect(c.error?.errors?.map((e) => [e.tag, e.path]), JSON.stringify(c.error)).to.deep.equal([
      ['invalid-value', "/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:poll-interval"],
      ['data-exists', "/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:node[bcm:name='n1']"],
    ]);
    expect((c.error!.xml!.match(/<rpc-error>/g) ?? []).length, 'rpc-errors in the one rpc-reply').to.equal(2);
    expect(nb.bridge.datastore.commitCount).to.equal(before + 1);
    expect(description()).to.equal('continued');
    expect(nodes()).to.deep.equal(['n1', 'n2']);
    expect(nb.bridge.collector.networks.get('dev')!.settings.pollInterval).to.equal(5);
  });

  it('a notification on which the subscription filter fails is not sent, and a warning record counts it', async () => {
    const bad = ['xpath', [{ bcm: BCM }, '/bcm:node-added[count(1) > 0]']];
    const good = ['subtree', `<node-added xmlns="${BCM}"/>`];
    const config = `<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><managed-system xmlns="${BCM}"><network><name>dev</name><node><name>n3</name><endpoint>http://127.0.0.1:12</endpoint></node></network></managed-system></config>`;
    const seen = records.length;
    const rs = await ncclient(nb.sshPort, [login(ADMIN, 'bad'), login(ADMIN, 'good'), login(ADMIN, 'edit'), { op: 'subscribe', session: 'bad', filter: bad },
      { op: 'subscribe', session: 'good', filter: good }, { op: 'edit_config', session: 'edit', config },
      { op: 'notification', session: 'good', timeout: 20 }, { op: 'notification', session: 'bad', timeout: 3 }]);
    const badId = ok(rs[0]).session_id!;
    ok(rs[3]); ok(rs[4]); ok(rs[5]);
    expect(ok(rs[6]).xml).to.include('<node>n3</node>');
    expect(rs[7].ok, 'the failing filter sent a notification').to.equal(false);
    const warn = records.slice(seen).find((r) => r.component === 'netconf' && r.severity === 'warning');
    expect(warn, JSON.stringify(records.slice(seen))).not.to.equal(undefined);
    expect(warn!.message, warn!.message).to.match(new RegExp(`^session ${badId} \\(admin\\): notification not sent: the subscription filter failed: XPath filter: .*count\\(\\).* \\(1 notification\\(s\\) not sent so far\\)$`));
  });
});
