/**
 * Credentials inside an endpoint URL (http://user:password@host) are refused wherever configuration
 * enters: the configuration file (bcmgmt serve and snapshot exit 2 with one line naming the field and
 * pointing to username/passwordEnv/cookieFile), NETCONF edit-config (rpc-error invalid-value with the
 * error-path of the leaf) and SNMP SET (wrongValue, nothing changed). No error repeats the password.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BCM, ADMIN, login, ncclient, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { runCli } from '../support/serve';
import { MIB, snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';

const URL_WITH_CREDENTIALS = 'http://lab:labpass@127.0.0.1:24101';
const HINT = /networks\[0\]\.nodes\[0\]\.endpoint: must not carry credentials .*username.*passwordEnv.*cookieFile/;

describe('credentials in an endpoint URL are refused', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-urlcred-')); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  for (const command of ['serve', 'snapshot']) {
    it(`bcmgmt ${command} --config: one configuration error line naming the field, exit 2, the password not repeated`, async () => {
      const file = path.join(dir, `${command}.yaml`);
      fs.writeFileSync(file, `networks:\n  - name: lab\n    platform: bitcoin\n    nodes:\n      - name: n1\n        endpoint: "${URL_WITH_CREDENTIALS}"\n`);
      const dataDir = path.join(dir, `data-${command}`);
      const r = await runCli([command, '--config', file, ...(command === 'serve' ? ['--data-dir', dataDir] : [])], { cwd: dir });
      expect(r.code, r.stdout + r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n'), r.stderr).to.have.length(1);
      expect(r.stderr).to.match(/^bcmgmt: configuration error: /);
      expect(r.stderr).to.match(HINT);
      expect(r.stdout + r.stderr).not.to.contain('labpass');
    });
  }

  it('a URL that does not parse is shown with its user information masked', async () => {
    const file = path.join(dir, 'bad-url.yaml');
    fs.writeFileSync(file, 'networks:\n  - name: lab\n    platform: bitcoin\n    nodes:\n      - name: n1\n        endpoint: "http://lab:labpass@[::1"\n');
    const r = await runCli(['snapshot', '--config', file], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('"http://***@[::1" is not a URL');
    expect(r.stderr).not.to.contain('labpass');
  });

  describe('over NETCONF and SNMP', () => {
    let nb: NetconfBridge | undefined;
    let agent: TestAgent | undefined;
    const seed = {
      networks: [{ name: 'lab', platform: 'bitcoin', nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:24101' }] }],
      configuration: { snmpCommunities: [{ name: 'ops', community: 'private', access: 'admin' }] },
    };
    after(async () => { await nb?.cleanup(); await agent?.stop(); if (agent) fs.rmSync(agent.dataDir, { recursive: true, force: true }); });

    it('edit-config: invalid-value with the error-path of the endpoint leaf; the running configuration is unchanged', async function () {
      requireNcclient(this);
      nb = await startNetconfBridge(seed);
      const before = JSON.stringify(nb.bridge.running);
      const config = `<config><managed-system xmlns="${BCM}"><network><name>lab</name>
        <node><name>n1</name><endpoint>${URL_WITH_CREDENTIALS}</endpoint></node></network></managed-system></config>`;
      const [, edit] = await ncclient(nb.sshPort, [login(ADMIN), { op: 'edit_config', config }, { op: 'close' }]);
      expect(edit.ok).to.equal(false);
      expect(edit.error!.tag).to.equal('invalid-value');
      expect(edit.error!.path).to.equal("/bcm:managed-system/bcm:network[bcm:name='lab']/bcm:node[bcm:name='n1']/bcm:endpoint");
      expect(edit.error!.message).to.match(/must not carry credentials .*username.*passwordEnv.*cookieFile/);
      expect(edit.error!.message).not.to.contain('labpass');
      expect(JSON.stringify(nb.bridge.running)).to.equal(before);
    });

    it('snmpset of bcmNodeEndpoint: wrongValue, the endpoint unchanged', async function () {
      requireTool(this, 'snmpset', 'snmp');
      agent = await startAgent(seed);
      const obj = `${MIB}::bcmNodeEndpoint."lab"."n1"`;
      const s = await snmp('snmpset', agent.target, ['-v2c', '-c', 'private', '--', obj, 's', URL_WITH_CREDENTIALS]);
      expect(s.code).to.not.equal(0);
      expect(s.stderr).to.contain('wrongValue');
      const g = await snmp('snmpget', agent.target, ['-v2c', '-c', 'private', '-Oqv', '--', obj]);
      expect(g.stdout.trim()).to.equal('http://127.0.0.1:24101');
    });
  });
});
