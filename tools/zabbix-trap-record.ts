/**
 * The record our snmptrapd traphandle appends to Zabbix's SNMPTrapperFile for one notification (Debian ships
 * no zabbix_trap_receiver.pl): a header line "<time> ZBXTRAP <source address>", which is how Zabbix finds the
 * trap and the host it belongs to, then one line per varbind, "<name> = <value>", with the bridge's OIDs
 * named from the model (bcmAlarmResource.7 = network/ltc/node/n1) whether snmptrapd printed them numerically
 * (-On) or with the MIB loaded, so that the template's snmptrap[] items and triggers can match them.
 *
 * snmptrapd hands a traphandle the sending host's name, its transport address ("UDP: [127.0.0.1]:40000->
 * [127.0.0.1]:162"), then one "OID VALUE" line per varbind.
 */
import { modelIndex, mibAttributes } from '../src/model';
import type { ScalarType } from '../src/model';
import { TRAP_VALUE_SEPARATOR } from './render/zabbix-traps';

/** Names of the standard objects every SNMPv2 notification carries (RFC 3416 section 4.2.6). */
const STANDARD_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.2.1.1.3': 'sysUpTime',
  '1.3.6.1.6.3.1.1.4.1': 'snmpTrapOID',
  '1.3.6.1.6.3.1.1.4.3': 'snmpTrapEnterprise',
  '1.3.6.1.6.3.18.1.3': 'snmpTrapAddress',
  '1.3.6.1.6.3.18.1.4': 'snmpTrapCommunity',
  '1.3.6.1.6.3.1.1.5.1': 'coldStart',
  '1.3.6.1.6.3.1.1.5.2': 'warmStart',
};

interface Named { readonly name: string; readonly type?: ScalarType }

/** OID (dotted, no leading dot) -> descriptor of every object, notification and alarm type of the model. */
function modelNames(): Map<string, Named> {
  const names = new Map<string, Named>(Object.entries(STANDARD_NAMES).map(([oid, name]) => [oid, { name }]));
  for (const c of modelIndex.model.classes) {
    if (modelIndex.mibRendering(c) === 'none') continue;
    for (const a of mibAttributes(c)) names.set(modelIndex.attributeOid(c, a), { name: modelIndex.mibDescriptor(c, a), type: a.type });
  }
  for (const n of modelIndex.model.notifications) names.set(modelIndex.notificationOid(n), { name: modelIndex.notificationDescriptor(n) });
  for (const t of modelIndex.model.alarmTypes) names.set(modelIndex.alarmTypeOid(t), { name: modelIndex.alarmTypeDescriptor(t) });
  return names;
}

const NAMES = modelNames();

/** A dotted OID as snmptrapd may print it (".1.3.6...", "iso.3.6..."), normalised; undefined when not one. */
function dotted(text: string): string | undefined {
  const s = text.replace(/^\./, '').replace(/^iso\./, '1.');
  return /^\d+(\.\d+)+$/.test(s) ? s : undefined;
}

/** "descriptor.suffix" of a numeric OID by its longest known prefix; the OID itself when none is known. */
function nameOf(text: string): { name: string; type?: ScalarType } {
  const oid = dotted(text);
  if (!oid) return { name: text.replace(/^[A-Za-z0-9-]+::/, '') };
  const parts = oid.split('.');
  for (let n = parts.length; n > 0; n--) {
    const hit = NAMES.get(parts.slice(0, n).join('.'));
    if (hit) return { name: [hit.name, ...parts.slice(n)].join('.'), type: hit.type };
  }
  return { name: oid };
}

/** A varbind value: strings unquoted, OIDs named, enumerations as "label(number)" as net-snmp prints them. */
function valueText(raw: string, type: ScalarType | undefined): string {
  let v = raw.trim().replace(/^[A-Za-z0-9-]+: /, '');
  if (/^".*"$/s.test(v)) v = v.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (dotted(v) || /^[A-Za-z0-9-]+::/.test(v)) return nameOf(v).name;
  if (type?.base === 'enum' && /^\d+$/.test(v)) {
    const e = type.values.find((x) => String(x.value) === v);
    return e ? `${e.name}(${v})` : v;
  }
  return v.replace(/\r?\n/g, ' ');
}

/** The sender's address from snmptrapd's transport line ("UDP: [127.0.0.1]:40000->[...]:162"), or the line itself. */
export function sourceAddress(transport: string): string {
  const m = /\[([^\]]+)\]/.exec(transport);
  return m ? m[1] : transport.trim().split(/\s+/)[0] ?? '';
}

/** Zabbix's trapper-file header time, as zabbix_trap_receiver.pl writes it ("%H:%M:%S %Y/%m/%d"). */
function headerTime(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())} ${now.getFullYear()}/${p(now.getMonth() + 1)}/${p(now.getDate())}`;
}

/** The SNMPTrapperFile record of one notification given to a traphandle on its standard input. */
export function zabbixTrapRecord(input: string, now: Date): string {
  const lines = input.split(/\r?\n/);
  const address = sourceAddress(lines[1] ?? '');
  const varbinds = lines.slice(2).filter((l) => l.trim() !== '').map((l) => {
    const sp = l.search(/\s/);
    const oid = sp < 0 ? l : l.slice(0, sp);
    const named = nameOf(oid);
    return `${named.name}${TRAP_VALUE_SEPARATOR}${valueText(sp < 0 ? '' : l.slice(sp + 1), named.type)}`;
  });
  return [`${headerTime(now)} ZBXTRAP ${address}`, ...varbinds].join('\n') + '\n';
}
