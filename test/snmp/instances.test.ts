/**
 * GET of an object type's own OID, without instance (issue 12 item 7; RFC 3416 section 4.2.1): the
 * object exists, its instance does not, so noSuchInstance; an OID that names no object type (a group,
 * a table, an entry, nothing) is noSuchObject. SNMPv1 says noSuchName for both. Driven by net-snmp's snmpget.
 */
import { expect } from 'chai';
import { modelIndex } from '../../src/model';
import { requireTool } from '../support/tools';
import { snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';

const ROOT = modelIndex.rootOid;
const INSTANCE = 'No Such Instance currently exists at this OID';
const OBJECT = 'No Such Object available on this agent at this OID';

describe('snmp GET of an object without instance', function () {
  this.timeout(60000);
  let a: TestAgent;
  const column = modelIndex.attributeOid(modelIndex.cls('network'), modelIndex.attr(modelIndex.cls('network'), 'pollInterval'));
  const net0 = [4, ...Buffer.from('net0')].join('.');

  before(async function () {
    requireTool(this, 'snmpget', 'snmp');
    a = await startAgent({ networks: [{ name: 'net0', platform: 'ethereum' }] });
    a.bridge.collector.apply([]);
  });
  after(async () => { await a?.stop(); });

  const get = async (oid: string, version = '-v2c'): Promise<string> => {
    const r = await snmp('snmpget', a.target, [version, '-c', 'public', '-On', '--', oid]);
    return `${r.stdout}${r.stderr}`;
  };

  it('a scalar without .0 is noSuchInstance (sysDescr, a scalar of the MIB), with .0 a value', async () => {
    expect(await get('.1.3.6.1.2.1.1.1')).to.contain(`.1.3.6.1.2.1.1.1 = ${INSTANCE}`);
    expect(await get(`.${ROOT}.1.1.5`)).to.contain(`.${ROOT}.1.1.5 = ${INSTANCE}`);
    expect(await get(`.${ROOT}.1.1.5.0`)).to.not.contain('No Such');
  });

  it('a table column without index (or with an index of no row) is noSuchInstance', async () => {
    expect(await get(`.${column}`)).to.contain(`.${column} = ${INSTANCE}`);
    expect(await get(`.${column}.${net0}`)).to.match(/= Gauge32: \d+/);
    expect(await get(`.${column}.4.110.111.110.101`)).to.contain(INSTANCE);
  });

  it('an OID that is no object type is noSuchObject; SNMPv1 says noSuchName', async () => {
    const table = column.split('.').slice(0, -2).join('.');
    for (const oid of ['.1.3.6.1.2.1.1', `.${ROOT}.1.1`, `.${table}`, `.${table}.1`, `.${ROOT}.1.1.999`, '.1.3.6.1.4.1.99999.1']) {
      expect(await get(oid), oid).to.contain(`${oid} = ${OBJECT}`);
    }
    expect(await get('.1.3.6.1.2.1.1.1', '-v1')).to.contain('noSuchName');
  });
});
