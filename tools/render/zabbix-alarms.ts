/**
 * The polled half of the template's fault view: a discovery rule over the bridge's alarm table (active alarms
 * only) with a trigger prototype per alarm type of the model, at the type's default severity, each discovered
 * only for rows of its type (LLD overrides on {#ALARM.TYPE}). It backs the trap triggers up when a trap is
 * lost (UDP): a prototype fires only when no bcmAlarmRaised (or SeverityChanged) trap of its type about the same
 * resource arrived within {$BCM.ALARM.TRAP.WINDOW}, so that an alarm seen by trap is not shown twice. (A trigger
 * dependency on the trap trigger would say the same, but makes host.create take minutes in Zabbix 6.0.14.)
 */
import type { ModelIndex } from '../../src/model';
import { itemShape } from './zabbix-items';
import { indexDecoderScript } from './zabbix-lld';
import { TRAP_VALUE_SEPARATOR, ZABBIX_PRIORITY, trapItemKey } from './zabbix-traps';

export const ALARM_DISCOVERY_KEY = 'bcm.alarm.discovery';

/** Name of the trigger prototype of an alarm type; the override enabling it matches its fixed part. */
export function alarmTriggerPrefix(type: string): string { return `Alarm ${type} on`; }

/** JavaScript step naming the alarm type of each row ({#ALARM.TYPE}: the type's OID, however Zabbix prints it). */
function typeNamingScript(ix: ModelIndex): string {
  const names = Object.fromEntries(ix.model.alarmTypes.map((t) => [ix.alarmTypeOid(t), t.name]));
  return [
    `var names = ${JSON.stringify(names)};`,
    'var parsed = JSON.parse(value);',
    'var rows = Array.isArray(parsed) ? parsed : parsed.data;',
    'for (var r = 0; r < rows.length; r++) {',
    '  var oid = String(rows[r]["{#ALARM.TYPE}"] || "").replace(/^\\./, "").replace(/^iso\\./, "1.");',
    '  if (names[oid]) rows[r]["{#ALARM.TYPE}"] = names[oid];',
    '}',
    'return JSON.stringify(rows);',
  ].join('\n');
}

type Yaml = Record<string, unknown>;

/** The alarm discovery rule; uuid() names each entity. */
export function alarmDiscoveryRule(ix: ModelIndex, templateName: string, uuid: (p: string) => string): Yaml {
  const alarm = ix.cls('alarm');
  const col = (name: string): string => ix.attributeOid(alarm, ix.attr(alarm, name));
  const protoKey = (name: string): string => `bcm.alarm.${name}[{#SNMPINDEX}]`;
  const prototypes = ['isCleared', 'perceivedSeverity'].map((name) => {
    const attr = ix.attr(alarm, name);
    const shape = itemShape(attr)!;
    return {
      uuid: uuid(`item/${protoKey(name)}`),
      name: `Alarm {#ALARM.TYPE} on {#ALARM.RESOURCE}: ${name === 'isCleared' ? 'cleared' : 'perceived severity'}`,
      type: 'SNMP_AGENT',
      snmp_oid: `${col(name)}.{#SNMPINDEX}`,
      key: protoKey(name),
      delay: '{$BCM.INTERVAL}',
      history: '{$BCM.HISTORY}',
      trends: '{$BCM.TRENDS}',
      description: `${ix.mibDescriptor(alarm, attr)}: ${attr.description}`,
      valuemap: { name: shape.valuemap },
      tags: [{ tag: 'component', value: 'alarm' }],
    };
  });
  const cleared = `last(/${templateName}/${protoKey('isCleared')})`;
  const notify = (n: string): string => ix.notificationDescriptor(ix.model.notifications.find((x) => x.name === n)!);
  const resourceLine = `${ix.mibDescriptor(alarm, ix.attr(alarm, 'resource'))}[.0-9]*${TRAP_VALUE_SEPARATOR}{#ALARM.RESOURCE}[[:space:]]`;
  // A raise (or severity change) of this resource: the notification's name, then, lines below, the resource.
  const raisedTrap = `(?s)(${notify('alarmRaised')}|${notify('alarmSeverityChanged')}).*${resourceLine}`;
  return {
    uuid: uuid(`discovery/${alarm.name}`),
    name: 'Alarm discovery',
    type: 'SNMP_AGENT',
    snmp_oid: `discovery[{#ALARM.RESOURCE},${col('resource')},{#ALARM.TYPE},${col('type')},{#ALARM.CLEARED},${col('isCleared')}]`,
    key: ALARM_DISCOVERY_KEY,
    delay: '{$BCM.ALARM.LLD.INTERVAL}',
    // Active alarms only (TruthValue false); a row that clears keeps its items until the lifetime ends.
    filter: { conditions: [{ macro: '{#ALARM.CLEARED}', value: '^(2|false)', formulaid: 'A' }] },
    lifetime: '{$BCM.ALARM.LIFETIME}',
    description: `Active rows of ${ix.tableDescriptor(alarm)}, polled: the alarms of the bridge when their traps were lost.`,
    item_prototypes: prototypes,
    trigger_prototypes: ix.model.alarmTypes.map((t) => {
      return {
        uuid: uuid(`trigger-prototype/${t.name}`),
        expression: `${cleared}=2 and count(/${templateName}/${trapItemKey(ix, t)},{$BCM.ALARM.TRAP.WINDOW},"regexp","${raisedTrap}")=0`,
        name: `${alarmTriggerPrefix(t.name)} {#ALARM.RESOURCE} (polled)`,
        opdata: 'severity: {ITEM.LASTVALUE}',
        discover: 'NO_DISCOVER',
        priority: ZABBIX_PRIORITY[t.defaultSeverity],
        description: `${t.description} Polled from the alarm table; shown only when no trap raising it arrived within {$BCM.ALARM.TRAP.WINDOW}.`,
        tags: [{ tag: 'resource', value: '{#ALARM.RESOURCE}' }, { tag: 'alarm_type', value: t.name }, { tag: 'source', value: 'poll' }],
      };
    }),
    preprocessing: [
      { type: 'JAVASCRIPT', parameters: [indexDecoderScript(ix, alarm)] },
      { type: 'JAVASCRIPT', parameters: [typeNamingScript(ix)] },
    ],
    overrides: ix.model.alarmTypes.map((t, i) => ({
      name: t.name,
      step: String(i + 1),
      stop: 'STOP',
      filter: { conditions: [{ macro: '{#ALARM.TYPE}', value: `^${t.name}$`, formulaid: 'A' }] },
      operations: [{ operationobject: 'TRIGGER_PROTOTYPE', operator: 'LIKE', value: alarmTriggerPrefix(t.name), discover: 'DISCOVER' }],
    })),
  };
}
