/**
 * Secrets are never returned by <get-config>, so a client cannot send them back: an edit-config (or a
 * copy-config of a whole document) that leaves a secret out keeps the stored one, matched by the entry's
 * keys; only an explicit delete of the secret leaf removes it. Driven with ncclient.
 */
import { expect } from 'chai';
import type { ConfigObject } from '../../src/config/document';
import { ADMIN, BCM, READER, login, ncclient, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { requireNcclient } from '../support/tools';

const NCA = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"';
const configOf = (nb: NetconfBridge): ConfigObject => nb.bridge.running.configuration as ConfigObject;
const entry = (nb: NetconfBridge, list: string, name: string): ConfigObject | undefined =>
  (configOf(nb)[list] as ConfigObject[] | undefined)?.find((e) => e.name === name);

describe('an edit that leaves a secret out keeps the stored one', function () {
  this.timeout(60_000);
  let nb: NetconfBridge | undefined;
  before(async function () {
    requireNcclient(this);
    nb = await startNetconfBridge({ configuration: {
      snmpCommunities: [{ name: 'rw', community: 'rw-secret-1', access: 'admin' }, { name: 'ro', community: 'ro-secret-1' }],
      snmpUsers: [{ name: 'u3', authKey: 'auth-secret-1', privKey: 'priv-secret-1' }],
    } });
  });
  after(async () => { await nb?.cleanup(); });

  it('replace of a list entry, of the configuration container and of the whole document keep secrets; get-config shows none', async () => {
    const cfg = (body: string, op = ''): string => `<config ${NCA}><managed-system xmlns="${BCM}"${op}>${body}</managed-system></config>`;
    const steps = [login(ADMIN),
      { op: 'edit_config', config: cfg(`<configuration><snmp-community nc:operation="replace"><name>rw</name><access>read-only</access></snmp-community></configuration>`) },
      { op: 'edit_config', config: cfg(`<configuration nc:operation="replace"><snmp-community><name>rw</name></snmp-community><snmp-community><name>ro</name></snmp-community>
        <snmp-user><name>u3</name></snmp-user><management-user><name>admin</name><role>admin</role></management-user>
        <management-user><name>reader</name></management-user></configuration>`) },
      { op: 'get_config', source: 'running' },
      { op: 'close' }];
    const r = await ncclient(nb!.sshPort, steps);
    for (const s of r) expect(s.ok, JSON.stringify(s)).to.equal(true);
    expect(entry(nb!, 'snmpCommunities', 'rw')).to.deep.include({ community: 'rw-secret-1' });
    expect(entry(nb!, 'snmpCommunities', 'ro')).to.deep.include({ community: 'ro-secret-1' });
    expect(entry(nb!, 'snmpUsers', 'u3')).to.deep.include({ authKey: 'auth-secret-1', privKey: 'priv-secret-1' });
    expect(r[3].xml).to.contain('<snmp-community>');
    for (const secret of ['rw-secret-1', 'ro-secret-1', 'auth-secret-1', 'priv-secret-1', ADMIN.password, READER.password, 'scrypt$']) expect(r[3].xml).not.to.contain(secret);
    // the management users' passwords were kept too: both still log in
    for (const u of [ADMIN, READER]) {
      const l = await ncclient(nb!.sshPort, [login(u), { op: 'close' }]);
      expect(l[0].ok, `${u.name}: ${JSON.stringify(l[0])}`).to.equal(true);
    }
    // copy-config of an inline document without secrets keeps them as well
    const copy = await ncclient(nb!.sshPort, [login(ADMIN), { op: 'rpc', xml: `<copy-config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><target><running/></target><source>${cfg(
      '<configuration><snmp-community><name>rw</name></snmp-community><snmp-user><name>u3</name></snmp-user><management-user><name>admin</name><role>admin</role></management-user></configuration>')}</source></copy-config>` }, { op: 'close' }]);
    expect(copy[1].ok, JSON.stringify(copy[1])).to.equal(true);
    expect(entry(nb!, 'snmpCommunities', 'rw')).to.deep.include({ community: 'rw-secret-1' });
    expect(entry(nb!, 'snmpCommunities', 'ro')).to.equal(undefined);
    expect(entry(nb!, 'snmpUsers', 'u3')).to.deep.include({ authKey: 'auth-secret-1' });
  });

  it('an explicit delete of the secret leaf removes it', async () => {
    const config = `<config ${NCA}><managed-system xmlns="${BCM}"><configuration><snmp-user><name>u3</name><priv-protocol>none</priv-protocol><priv-key nc:operation="delete"/></snmp-user></configuration></managed-system></config>`;
    const r = await ncclient(nb!.sshPort, [login(ADMIN), { op: 'edit_config', config }, { op: 'close' }]);
    expect(r[1].ok, JSON.stringify(r[1])).to.equal(true);
    const u3 = entry(nb!, 'snmpUsers', 'u3')!;
    expect(u3.authKey).to.equal('auth-secret-1');
    expect(u3).not.to.have.property('privKey');
  });
});
