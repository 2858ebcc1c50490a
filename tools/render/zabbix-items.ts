/**
 * How one attribute of the model becomes a Zabbix 6.0 SNMP item (or item prototype): value type, units,
 * preprocessing and value map, from the attribute's scalar type and units. Attributes not worth a history
 * (binary values, timestamps, references) give no item.
 */
import type { Attribute, ScalarType } from '../../src/model';

export type ValueType = 'UNSIGNED' | 'FLOAT' | 'CHAR';

export interface PreprocessingStep { readonly type: string; readonly parameters: readonly string[] }

export interface ItemShape {
  readonly valueType: ValueType;
  readonly units: string;
  readonly preprocessing: readonly PreprocessingStep[];
  /** Name of the template value map (enumerations, TruthValue). */
  readonly valuemap?: string;
  /** Text: polled at the slower interval, no trends. */
  readonly text: boolean;
  /** A counter shown as a rate (change per second). */
  readonly rate: boolean;
}

/** Value map of SNMPv2-TC TruthValue, the SMIv2 rendering of booleans. */
export const TRUTH_VALUE_MAP = { name: 'TruthValue', mappings: [{ value: '1', newvalue: 'true' }, { value: '2', newvalue: 'false' }] } as const;

/** Value map name of an enumerated type. */
export function enumMapName(t: ScalarType): string | undefined {
  return t.base === 'enum' ? t.typeName : undefined;
}

/** Zabbix units of the model's units ("octets" -> B, so that Zabbix scales them; "seconds" -> s). */
export function zabbixUnits(units: string | undefined): string {
  switch (units) {
    case undefined: return '';
    case 'octets': return 'B';
    case 'seconds': return 's';
    case 'hashes per second': return 'H/s';
    default: return units;
  }
}

/** The model's "thousandths" types are carried as integers scaled by 1000 (tools/render/mib-types.ts). */
const THOUSANDTHS: PreprocessingStep = { type: 'MULTIPLIER', parameters: ['0.001'] };
/** Text is kept only when it changes (or once a day). */
const TEXT_HEARTBEAT: PreprocessingStep = { type: 'DISCARD_UNCHANGED_HEARTBEAT', parameters: ['1d'] };

/** The item an attribute gives, or undefined when it is not worth a history. */
export function itemShape(attr: Attribute): ItemShape | undefined {
  const units = zabbixUnits(attr.units);
  const plain = (valueType: ValueType, extra: Partial<ItemShape> = {}): ItemShape =>
    ({ valueType, units, preprocessing: [], text: false, rate: false, ...extra });
  const t = attr.type;
  switch (t.base) {
    case 'gauge32': case 'uint32': case 'gauge64': return plain('UNSIGNED');
    case 'int32': return plain('FLOAT');
    case 'counter64': return plain('FLOAT', {
      units: units ? `${units}/s` : '/s', rate: true,
      preprocessing: [{ type: 'CHANGE_PER_SECOND', parameters: [''] }],
    });
    case 'milli': case 'level': return plain('FLOAT', { preprocessing: [THOUSANDTHS] });
    // Decimal text of unbounded integers (wei): numeric history at float precision.
    case 'bigDecimal': return plain('FLOAT');
    case 'boolean': return plain('UNSIGNED', { valuemap: TRUTH_VALUE_MAP.name });
    case 'enum': return plain('UNSIGNED', { valuemap: t.typeName });
    case 'name': case 'text': case 'uri':
      return plain('CHAR', { text: true, preprocessing: [TEXT_HEARTBEAT] });
    case 'hex': case 'timestamp': case 'resource': case 'alarmType':
      return undefined;
  }
}

/** "peerCount" -> "peer count", "rpcLatency" -> "RPC latency". */
export function words(name: string): string {
  const w = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2').toLowerCase();
  return w.replace(/\b(rpc|id|tx|pm)\b/g, (m) => m.toUpperCase());
}

/** "nodeLedgerState" -> "Node ledger state". */
export function classLabel(name: string): string {
  const w = words(name);
  return w.charAt(0).toUpperCase() + w.slice(1);
}
