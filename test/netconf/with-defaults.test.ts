/**
 * RFC 6243 with-defaults: the hello advertises basic-mode explicit with report-all and trim; <get> and
 * <get-config> take <with-defaults> (HTTP transport, and ncclient over SSH). report-all adds the model's
 * defaults of absent configuration leaves, trim leaves out values equal to their default, explicit is the
 * stored document as before; the report-all <get> still validates with yanglint.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADMIN, BCM, copyServerModules, dataOf, httpRequest, login, ncclient, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { projectRoot, requireNcclient, requireTool } from '../support/tools';

const NCWD = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';
const CAP = 'urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported=report-all,trim';
const yangDir = path.join(projectRoot, 'yang');
const NCM_FILE = '/usr/share/yuma/modules/ietf/ietf-netconf-monitoring@2010-10-04.yang';

/** The XML of the list entry <tag> whose first key is name (up to its closing tag; nested entries have other tags). */
function entry(xml: string, tag: string, name: string): string {
  const start = xml.indexOf(`<${tag}><name>${name}</name>`);
  expect(start, `${tag} ${name} in ${xml.slice(0, 1500)}`).to.be.greaterThan(-1);
  const end = xml.indexOf(`</${tag}>`, start);
  return xml.slice(start, end);
}

const wd = (mode: string): string => `<with-defaults xmlns="${NCWD}">${mode}</with-defaults>`;

describe('NETCONF with-defaults (RFC 6243)', function () {
  this.timeout(120_000);
  let nb: NetconfBridge;

  before(async () => {
    // eth: nothing at its default is configured; dflt: poll-interval and the node's admin-state set equal to their defaults.
    nb = await startNetconfBridge({ networks: [
      { name: 'eth', platform: 'ethereum', nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] },
      { name: 'dflt', platform: 'ethereum', pollInterval: 5, nodes: [{ name: 'd1', endpoint: 'http://127.0.0.1:9', adminState: 'unlocked', role: 'archive' }] },
    ] });
  });
  after(async () => { await nb?.cleanup(); });

  const post = async (body: string): Promise<string> => {
    const r = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(7, body) });
    expect(r.status, r.body.slice(0, 800)).to.equal(200);
    return r.body;
  };
  const getConfig = (extra = ''): Promise<string> => post(`<get-config><source><running/></source>${extra}</get-config>`);

  it('the hello advertises the capability and the yang-library lists ietf-netconf-with-defaults', async () => {
    const hello = await httpRequest(nb.httpPort, { method: 'GET', path: '/netconf', user: ADMIN });
    expect(hello.body).to.include('<hello');
    expect(hello.body).to.include(`<capability>${CAP.replace(/&/g, '&amp;')}</capability>`);
    // the capabilities the server announces are also in netconf-state (RFC 6022)
    const state = await post(`<get><filter type="subtree"><netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><capabilities/></netconf-state></filter></get>`);
    expect(state).to.include(CAP.replace(/&/g, '&amp;'));
    const lib = await post(`<get><filter type="subtree"><modules-state xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-library"/></filter></get>`);
    expect(lib).to.match(/<name>ietf-netconf-with-defaults<\/name><revision>2011-06-01<\/revision>/);
  });

  it('explicit is what get-config returned without the parameter', async () => {
    const plain = await getConfig();
    expect(await getConfig(wd('explicit'))).to.equal(plain);
    const eth = entry(dataOf(plain), 'network', 'eth');
    expect(eth).not.to.include('<poll-interval>');
    expect(entry(eth, 'node', 'n1')).not.to.include('<role>');
    const dflt = entry(dataOf(plain), 'network', 'dflt');
    expect(dflt).to.include('<poll-interval>5</poll-interval>');
    expect(entry(dflt, 'node', 'd1')).to.include('<admin-state>unlocked</admin-state>');
  });

  it('report-all adds the defaults of absent configuration leaves (enums kebab-case), never secrets', async () => {
    const data = dataOf(await getConfig(wd('report-all')));
    const eth = entry(data, 'network', 'eth');
    expect(eth).to.include('<poll-interval>5</poll-interval>');
    expect(eth).to.include('<network-type>private</network-type>');
    const n1 = entry(eth, 'node', 'n1');
    expect(n1).to.include('<role>full</role>');
    expect(n1).to.include('<admin-state>unlocked</admin-state>');
    expect(entry(entry(data, 'network', 'dflt'), 'node', 'd1')).to.include('<role>archive</role>');
    // a container the document does not have is reported with its defaults (non-presence containers)
    expect(data).to.match(/<max-status-changes>32<\/max-status-changes>/);
    expect(data).to.include('<ssh-port>8830</ssh-port>');
    // management users: role present for both, the password (a secret) never
    expect(data).not.to.include('<password>');
    expect(data).not.to.include('scrypt$');
  });

  it('trim leaves out values set equal to their default and keeps the others', async () => {
    const data = dataOf(await getConfig(wd('trim')));
    const dflt = entry(data, 'network', 'dflt');
    expect(dflt).not.to.include('<poll-interval>');
    const d1 = entry(dflt, 'node', 'd1');
    expect(d1).not.to.include('<admin-state>');
    expect(d1).to.include('<role>archive</role>');
    expect(d1).to.include('<endpoint>http://127.0.0.1:9</endpoint>');
  });

  it('<get> takes the parameter too; report-all-tagged and bad modes are invalid-value; other namespaces stay unknown', async () => {
    const all = dataOf(await post(`<get>${wd('report-all')}</get>`));
    expect(entry(entry(all, 'network', 'eth'), 'node', 'n1')).to.include('<role>full</role>');
    const trim = dataOf(await post(`<get>${wd('trim')}</get>`));
    expect(entry(trim, 'network', 'dflt')).not.to.include('<poll-interval>');
    for (const mode of ['report-all-tagged', 'everything']) {
      const r = await post(`<get-config><source><running/></source>${wd(mode)}</get-config>`);
      expect(r, mode).to.include('<error-tag>invalid-value</error-tag>');
      expect(r).to.include('<bad-element>with-defaults</bad-element>');
    }
    const r = await post('<get><with-defaults xmlns="urn:example:other">trim</with-defaults></get>');
    expect(r).to.include('<error-tag>unknown-namespace</error-tag>');
  });

  it('the data of a report-all <get> validates with yanglint as get data', async function () {
    requireTool(this, 'yanglint', 'libyang2-tools');
    requireTool(this, NCM_FILE, 'libyuma-base');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-nc-wd-'));
    try {
      const serverModules = copyServerModules(tmp);
      const data = dataOf(await post(`<get>${wd('report-all')}</get>`));
      expect(data).to.include('<poll-interval>5</poll-interval>');
      const file = path.join(tmp, 'get.xml');
      fs.writeFileSync(file, data);
      const ourModule = path.join(yangDir, fs.readdirSync(yangDir).find((f) => f.startsWith('blockchain-mgmt@'))!);
      const r = spawnSync('yanglint', ['-p', yangDir, '-p', tmp, '-F', 'ietf-alarms:operator-actions,alarm-history', '-F', 'ietf-alarms-x733:',
        '-y', '-t', 'get', ourModule, path.join(yangDir, 'ietf-alarms-x733@2019-09-11.yang'), ...serverModules, file],
      { encoding: 'utf8', cwd: tmp });
      expect(`${r.stdout}${r.stderr}`, 'yanglint output').to.equal('');
      expect(r.status).to.equal(0);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('ncclient sees the capability and gets with with_defaults', async function () {
    requireNcclient(this);
    const filter = ['subtree', `<managed-system xmlns="${BCM}"><network><name>eth</name></network></managed-system>`];
    const rs = await ncclient(nb.sshPort, [login(ADMIN),
      { op: 'get_config', source: 'running', filter, with_defaults: 'report-all' },
      { op: 'get', filter, with_defaults: 'trim' },
      { op: 'get_config', source: 'running', filter, with_defaults: 'report-all-tagged' }]);
    expect(rs[0].capabilities).to.include(CAP);
    expect(rs[1].ok, JSON.stringify(rs[1])).to.equal(true);
    expect(rs[1].xml).to.include('<poll-interval>5</poll-interval>');
    expect(rs[1].xml).to.match(/<role>full<\/role>/);
    expect(rs[2].ok, JSON.stringify(rs[2])).to.equal(true);
    expect(rs[2].xml).not.to.include('<poll-interval>');
    // ncclient itself refuses a mode the capability does not list
    expect(rs[3].ok).to.equal(false);
    expect(`${rs[3].exception ?? ''}${JSON.stringify(rs[3])}`).to.match(/with-defaults|WithDefaults/i);
  });
});
