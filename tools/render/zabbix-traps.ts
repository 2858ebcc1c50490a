/**
 * The trap half of the Zabbix template: one SNMP trap item per alarm type of the model, fed by the lines
 * our snmptrapd traphandle (tools/zabbix-traphandle.ts) writes to Zabbix's SNMPTrapperFile, and a trigger
 * on each that turns bcmAlarmRaised / bcmAlarmCleared into a Zabbix problem and its recovery, with the
 * alarm type's default severity, one problem per alarmed resource (tag correlation on "resource").
 */
import type { AlarmType, ModelIndex, Severity } from '../../src/model';

/** Separator of a varbind's name and value in a trap line: "bcmAlarmResource.7 = network/ltc/node/n1". */
export const TRAP_VALUE_SEPARATOR = ' = ';

/** Zabbix trigger priority of each X.733 perceived severity. */
export const ZABBIX_PRIORITY: Readonly<Record<Exclude<Severity, 'cleared'>, string>> = {
  critical: 'DISASTER', major: 'HIGH', minor: 'AVERAGE', warning: 'WARNING', indeterminate: 'INFO',
};

/** Zabbix API numbers of the priorities (problem.get "severity"). */
export const ZABBIX_PRIORITY_NUMBER: Readonly<Record<string, number>> = { INFO: 1, WARNING: 2, AVERAGE: 3, HIGH: 4, DISASTER: 5 };

/** The snmptrap[] item key collecting the traps of one alarm type (matched on the bcmAlarmType varbind's value). */
export function trapItemKey(ix: ModelIndex, t: AlarmType): string {
  return `snmptrap["${TRAP_VALUE_SEPARATOR}${ix.alarmTypeDescriptor(t)}([^A-Za-z0-9]|$)"]`;
}

/** Regular expression (PCRE) picking a varbind's value out of the trap text by its descriptor. */
function varbindValue(descriptor: string): string {
  return `${descriptor}[.0-9]*${TRAP_VALUE_SEPARATOR}(\\S+)`;
}

export interface TrapItem {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly trigger: {
    readonly name: string;
    readonly eventName: string;
    readonly expression: string;
    readonly recoveryExpression: string;
    readonly priority: string;
    readonly description: string;
    readonly tags: readonly { tag: string; value: string }[];
  };
}

/** Trap items and their triggers, for the template named templateName. */
export function trapItems(ix: ModelIndex, templateName: string): TrapItem[] {
  const byName = (n: string) => {
    const d = ix.model.notifications.find((x) => x.name === n);
    if (!d) throw new Error(`the model has no notification ${n}`);
    return ix.notificationDescriptor(d);
  };
  const raised = byName('alarmRaised');
  const changed = byName('alarmSeverityChanged');
  const cleared = byName('alarmCleared');
  const alarm = ix.cls('alarm');
  const resourceDescriptor = ix.mibDescriptor(alarm, ix.attr(alarm, 'resource'));
  const resource = `{{ITEM.VALUE}.regsub("${varbindValue(resourceDescriptor)}", \\1)}`;
  return ix.model.alarmTypes.map((t) => {
    const key = trapItemKey(ix, t);
    const ref = `/${templateName}/${key}`;
    return {
      key,
      name: `Alarm traps: ${t.name}`,
      description: `${raised}, ${changed} and ${cleared} notifications of alarm type ${t.name}: ${t.description}`,
      trigger: {
        name: `Alarm ${t.name}: ${t.specificProblem}`,
        eventName: `${t.specificProblem} on ${resource}`,
        expression: `find(${ref},,"regexp","${raised}|${changed}")=1`,
        recoveryExpression: `find(${ref},,"like","${cleared}")=1`,
        priority: ZABBIX_PRIORITY[t.defaultSeverity],
        description: `${t.description} Raised by ${raised}, cleared by ${cleared} for the same resource; ` +
          `default severity ${t.defaultSeverity} (X.733 ${t.eventType}, probable cause ${t.probableCause.name}).`,
        tags: [{ tag: 'resource', value: resource }, { tag: 'alarm_type', value: t.name }, { tag: 'source', value: 'trap' }],
      },
    };
  });
}
