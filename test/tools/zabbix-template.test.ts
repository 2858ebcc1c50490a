/**
 * The generated Zabbix template (tools/render/zabbix.ts): checked in as rendered, stable UUIDs, every part
 * derived from the model (items, discovery rules, value maps, trap triggers with the alarm types' default
 * severities), and the discovery rules' JavaScript decoding every table's INDEX as the SNMP agent encodes it.
 * The trap record of our traphandle is the same whether snmptrapd printed OIDs numerically or by name.
 * (The template against a real Zabbix server: test/nms/zabbix.test.ts.)
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { mibAttributes, model, modelIndex } from '../../src/model';
import type { Scalar } from '../../src/state/tree';
import { indexSubIds, indexValue } from '../../src/snmp/values';
import { ZABBIX_TEMPLATE_FILE, discoveredTables, discoveryKey, itemAttributes, itemKey, renderZabbixTemplate } from '../../tools/render/zabbix';
import { ALARM_DISCOVERY_KEY, alarmTriggerPrefix } from '../../tools/render/zabbix-alarms';
import { indexMacros } from '../../tools/render/zabbix-lld';
import { ZABBIX_PRIORITY, trapItemKey } from '../../tools/render/zabbix-traps';
import { zabbixTrapRecord } from '../../tools/zabbix-trap-record';
import { sampleValue } from '../support/snmp';
import { projectRoot } from '../support/tools';

type Y = Record<string, unknown> & { uuid?: string; key?: string; name?: string };
interface Tpl {
  items: (Y & { triggers?: (Y & { priority: string; tags: { tag: string; value: string }[] })[] })[];
  discovery_rules: (Y & { item_prototypes: Y[]; graph_prototypes?: Y[]; preprocessing: { type: string; parameters: string[] }[] })[];
  valuemaps: (Y & { mappings: { value: string; newvalue: string }[] })[];
  macros: { macro: string }[];
}

describe('Zabbix template generated from the model', () => {
  const text = renderZabbixTemplate(model);
  const doc = parse(text) as { zabbix_export: { version: string; groups: Y[]; templates: Tpl[] } };
  const tpl = doc.zabbix_export.templates[0];

  it('is checked in as rendered (npm run generate) and deterministic', () => {
    const file = path.join(projectRoot, ZABBIX_TEMPLATE_FILE);
    expect(fs.existsSync(file), file).to.equal(true);
    expect(fs.readFileSync(file, 'utf8') === text, `${ZABBIX_TEMPLATE_FILE} is stale: run npm run generate`).to.equal(true);
    expect(renderZabbixTemplate(model)).to.equal(text);
    expect(doc.zabbix_export.version).to.equal('6.0');
  });

  it('gives every entity a distinct UUIDv4-shaped uuid', () => {
    const uuids = [...text.matchAll(/uuid: '([^']*)'/g)].map((m) => m[1]);
    expect(uuids.length).to.be.greaterThan(100);
    for (const u of uuids) expect(u).to.match(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(new Set(uuids).size).to.equal(uuids.length);
  });

  it('has a discovery rule per watched table, with an item prototype per state column worth a history', () => {
    const tables = discoveredTables(modelIndex);
    for (const name of ['network', 'node', 'peer', 'ledger', 'nodeLedgerState', 'chainTip', 'validator', 'contract', 'crossChainChannel']) {
      expect(tables.map((c) => c.name), name).to.include(name);
    }
    for (const name of ['alarm', 'alarmStatusChange', 'logRecord', 'pmInterval']) expect(tables.map((c) => c.name), name).to.not.include(name);
    expect(tpl.discovery_rules.map((r) => r.key)).to.deep.equal([...tables.map(discoveryKey), ALARM_DISCOVERY_KEY]);
    for (const cls of tables) {
      const rule = tpl.discovery_rules.find((r) => r.key === discoveryKey(cls))!;
      expect(rule.item_prototypes.map((p) => p.key)).to.deep.equal(itemAttributes(modelIndex, cls).map((x) => itemKey(cls, x.attr, true)));
      for (const p of rule.item_prototypes) expect(p.snmp_oid).to.match(/^1\.3\.6\.1\.3\.7346\.1\.\d+\.1\.\d+\.\{#SNMPINDEX\}$/);
    }
    const node = tpl.discovery_rules.find((r) => r.key === 'bcm.node.discovery')!;
    const height = node.item_prototypes.find((p) => p.key === 'bcm.node.height[{#SNMPINDEX}]')!;
    expect(height).to.include({ name: 'Node {#NETWORK}/{#NODE}: height', units: 'blocks', snmp_oid: `${modelIndex.attributeOid(modelIndex.cls('node'), modelIndex.attr('node', 'height'))}.{#SNMPINDEX}` });
    const bytesIn = node.item_prototypes.find((p) => p.key === 'bcm.node.bytesIn[{#SNMPINDEX}]')!;
    expect(bytesIn).to.deep.include({ value_type: 'FLOAT', units: 'B/s', preprocessing: [{ type: 'CHANGE_PER_SECOND', parameters: [''] }] });
    expect(node.graph_prototypes!.map((g) => g.name)).to.include.members(['Node {#NETWORK}/{#NODE}: height', 'Node {#NETWORK}/{#NODE}: peer count, peer limit', 'Node {#NETWORK}/{#NODE}: RPC latency']);
    const ledger = tpl.discovery_rules.find((r) => r.key === 'bcm.ledger.discovery')!;
    // Transactions per second: the rate of the observed transactions counter.
    expect(ledger.item_prototypes.find((p) => p.key === 'bcm.ledger.observedTransactions[{#SNMPINDEX}]')).to.include({ units: 'transactions/s' });
    expect(ledger.graph_prototypes!.map((g) => g.name)).to.include('Ledger {#NETWORK}/{#LEDGER}: observed transactions');
  });

  it('has a value map for every enumeration it uses, from the model', () => {
    const used = new Set(text.match(/valuemap:\n\s+name: '([^']*)'/g)!.map((m) => /'([^']*)'/.exec(m)![1]));
    expect(tpl.valuemaps.map((v) => v.name).sort()).to.deep.equal([...used].sort());
    const reach = tpl.valuemaps.find((v) => v.name === 'Reachability')!;
    const t = modelIndex.attr('node', 'reachability').type;
    expect(reach.mappings).to.deep.equal(t.base === 'enum' ? t.values.map((v) => ({ value: String(v.value), newvalue: v.name })) : []);
  });

  it('has a trap item and trigger per alarm type with its default severity, and macros for credentials and intervals', () => {
    for (const t of model.alarmTypes) {
      const item = tpl.items.find((i) => i.key === trapItemKey(modelIndex, t))!;
      expect(item, t.name).to.include({ type: 'SNMP_TRAP', value_type: 'LOG' });
      expect(item.triggers![0].priority).to.equal(ZABBIX_PRIORITY[t.defaultSeverity]);
      expect(item.triggers![0].tags).to.deep.include({ tag: 'alarm_type', value: t.name });
    }
    // Their polled backup: a trigger prototype per alarm type on the alarm table's discovery, enabled by an override per type.
    const rule = tpl.discovery_rules.find((r) => r.key === ALARM_DISCOVERY_KEY)! as Tpl['discovery_rules'][0] & { trigger_prototypes: (Y & { priority: string })[]; overrides: { filter: { conditions: { value: string }[] }; operations: { value: string }[] }[] };
    expect(rule.trigger_prototypes.map((p) => p.priority)).to.deep.equal(model.alarmTypes.map((t) => ZABBIX_PRIORITY[t.defaultSeverity]));
    expect(rule.overrides.map((o) => [o.filter.conditions[0].value, o.operations[0].value])).to.deep.equal(model.alarmTypes.map((t) => [`^${t.name}$`, alarmTriggerPrefix(t.name)]));
    expect(tpl.macros.map((m) => m.macro)).to.include.members(['{$SNMP_COMMUNITY}', '{$BCM.SNMPV3.USER}', '{$BCM.INTERVAL}', '{$BCM.LLD.INTERVAL}']);
  });

  it('decodes every watched table\'s INDEX, as the agent encodes it, into readable discovery macros', () => {
    for (const cls of discoveredTables(modelIndex)) {
      const rule = tpl.discovery_rules.find((r) => r.key === discoveryKey(cls))!;
      const script = rule.preprocessing.find((p) => p.type === 'JAVASCRIPT')!.parameters[0];
      // Zabbix runs the step as the body of a function of "value" (Duktape, ES5): so does this test.
      const step = new Function('value', script) as (v: string) => string;
      const keys = indexMacros(modelIndex, cls);
      const values = keys.map((k, i) => (k.attr.type.base === 'text' ? `ü-${i}` : sampleValue(k.attr.type, i + 1)) as Scalar);
      const ids = keys.flatMap((k, i) => indexSubIds(k.attr.type, values[i])!);
      const rows = JSON.parse(step(JSON.stringify([{ '{#SNMPINDEX}': ids.join('.'), '{#X}': 'kept' }]))) as Record<string, string>[];
      const expected: Record<string, string> = { '{#SNMPINDEX}': ids.join('.'), '{#X}': 'kept' };
      keys.forEach((k, i) => { expected[k.macro] = String(indexValue(k.attr.type, indexSubIds(k.attr.type, values[i])!)!.value); });
      expect(rows, cls.name).to.deep.equal([expected]);
      // A truncated index is left as it is (no macros invented); the {"data": [...]} form is read too.
      const bad = JSON.parse(step(JSON.stringify({ data: [{ '{#SNMPINDEX}': ids.slice(0, -1).join('.') }] }))) as Record<string, string>[];
      expect(Object.keys(bad[0]), cls.name).to.deep.equal(['{#SNMPINDEX}']);
    }
  });

  it('names every readable column of the MIB in the trap record whether snmptrapd printed OIDs numerically or by name', () => {
    const alarm = modelIndex.cls('alarm');
    const oid = (a: string): string => modelIndex.attributeOid(alarm, modelIndex.attr(alarm, a));
    const raised = modelIndex.notificationOid(model.notifications.find((n) => n.name === 'alarmRaised')!);
    const unreachable = modelIndex.alarmTypeOid(model.alarmTypes.find((t) => t.name === 'nodeUnreachable')!);
    const numeric = ['localhost', 'UDP: [127.0.0.1]:39590->[127.0.0.1]:17163', '.1.3.6.1.2.1.1.3.0 0:0:50:16.04',
      `.1.3.6.1.6.3.1.1.4.1.0 .${raised}`, `.${oid('resource')}.5 "network/ltc/node/n2"`, `.${oid('type')}.5 .${unreachable}`,
      `.${oid('perceivedSeverity')}.5 4`, `.${oid('alarmText')}.5 "node \\"n2\\" down"`, ''].join('\n');
    const named = ['localhost', 'UDP: [127.0.0.1]:39590->[127.0.0.1]:17163', 'DISMAN-EVENT-MIB::sysUpTimeInstance 0:0:50:16.04',
      'SNMPv2-MIB::snmpTrapOID.0 BLOCKCHAIN-MGMT-MIB::bcmAlarmRaised', 'BLOCKCHAIN-MGMT-MIB::bcmAlarmResource.5 "network/ltc/node/n2"',
      'BLOCKCHAIN-MGMT-MIB::bcmAlarmType.5 BLOCKCHAIN-MGMT-MIB::bcmAtNodeUnreachable', 'BLOCKCHAIN-MGMT-MIB::bcmAlarmPerceivedSeverity.5 major(4)',
      `BLOCKCHAIN-MGMT-MIB::${modelIndex.mibDescriptor(alarm, modelIndex.attr(alarm, 'alarmText'))}.5 "node \\"n2\\" down"`, ''].join('\n');
    const when = new Date(2026, 11, 2, 7, 5, 9);
    const a = zabbixTrapRecord(numeric, when).split('\n');
    const b = zabbixTrapRecord(named, when).split('\n');
    expect(a[0]).to.equal('07:05:09 2026/12/02 ZBXTRAP 127.0.0.1');
    expect(a.slice(2)).to.deep.equal(b.slice(2));
    expect(a.slice(2)).to.deep.equal(['snmpTrapOID.0 = bcmAlarmRaised', 'bcmAlarmResource.5 = network/ltc/node/n2',
      'bcmAlarmType.5 = bcmAtNodeUnreachable', 'bcmAlarmPerceivedSeverity.5 = major(4)',
      `${modelIndex.mibDescriptor(alarm, modelIndex.attr(alarm, 'alarmText'))}.5 = node "n2" down`, '']);
    expect(mibAttributes(alarm).length).to.be.greaterThan(0);
  });
});
