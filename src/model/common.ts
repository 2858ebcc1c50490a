/** Shared types and small constructors used by the clause files of the model. */
import type { Attribute, EnumValue, ScalarType } from './types';

export const T = {
  name: { base: 'name' } as ScalarType,
  text: (maxLength = 255): ScalarType => ({ base: 'text', maxLength }),
  hex: (fixedLength?: number, maxLength?: number): ScalarType => ({ base: 'hex', fixedLength, maxLength }),
  big: { base: 'bigDecimal' } as ScalarType,
  int32: (min?: number, max?: number): ScalarType => ({ base: 'int32', min, max }),
  uint32: (min?: number, max?: number): ScalarType => ({ base: 'uint32', min, max }),
  gauge32: { base: 'gauge32' } as ScalarType,
  counter64: { base: 'counter64' } as ScalarType,
  gauge64: { base: 'gauge64' } as ScalarType,
  milli: { base: 'milli' } as ScalarType,
  level: { base: 'level' } as ScalarType,
  bool: { base: 'boolean' } as ScalarType,
  time: { base: 'timestamp' } as ScalarType,
  uri: { base: 'uri' } as ScalarType,
  alarmType: { base: 'alarmType' } as ScalarType,
  resource: { base: 'resource' } as ScalarType,
  enumOf: (typeName: string, values: readonly EnumValue[]): ScalarType => ({ base: 'enum', typeName, values }),
};

type Extra = Partial<Pick<Attribute, 'units' | 'default' | 'required' | 'requiredUnless' | 'mib' | 'secret' | 'multi' | 'maxElements' | 'mibName' | 'yangExternal' | 'writable'>>;

/** A live-state attribute (config false). */
export function state(arc: number, name: string, type: ScalarType, description: string, extra: Extra = {}): Attribute {
  return { arc, name, type, access: 'state', description, ...extra };
}

/** A configuration attribute (config true). */
export function config(arc: number, name: string, type: ScalarType, description: string, extra: Extra = {}): Attribute {
  return { arc, name, type, access: 'config', description, ...extra };
}

function ev(value: number, name: string, description: string): EnumValue {
  return { value, name, description };
}

/** RFC 5424 severities; SMIv2 values are the syslog numbers plus one (0 is not a good enum value). */
export const SyslogSeverity = T.enumOf('SyslogSeverity', [
  ev(1, 'emergency', 'RFC 5424 severity 0: system is unusable'),
  ev(2, 'alert', 'RFC 5424 severity 1: action must be taken immediately'),
  ev(3, 'critical', 'RFC 5424 severity 2: critical conditions'),
  ev(4, 'error', 'RFC 5424 severity 3: error conditions'),
  ev(5, 'warning', 'RFC 5424 severity 4: warning conditions'),
  ev(6, 'notice', 'RFC 5424 severity 5: normal but significant condition'),
  ev(7, 'info', 'RFC 5424 severity 6: informational messages'),
  ev(8, 'debug', 'RFC 5424 severity 7: debug-level messages'),
]);

/** ITU-T X.731 administrative state. */
export const AdminState = T.enumOf('AdminState', [
  ev(1, 'locked', 'X.731 locked: the resource is administratively prohibited from being used (not polled, no actions)'),
  ev(2, 'unlocked', 'X.731 unlocked: the resource is administratively permitted to be used'),
  ev(3, 'shuttingDown', 'X.731 shutting down: existing use continues, no new use is admitted'),
]);

/** ITU-T X.731 operational state. */
export const OperState = T.enumOf('OperState', [
  ev(1, 'disabled', 'X.731 disabled: the resource is not operable'),
  ev(2, 'enabled', 'X.731 enabled: the resource is operable'),
]);

/** ITU-T X.733 perceived severity, values of ITU-ALARM-TC-MIB ItuPerceivedSeverity. */
export const PerceivedSeverity = T.enumOf('PerceivedSeverity', [
  ev(1, 'cleared', 'X.733 cleared'),
  ev(2, 'indeterminate', 'X.733 indeterminate'),
  ev(3, 'critical', 'X.733 critical'),
  ev(4, 'major', 'X.733 major'),
  ev(5, 'minor', 'X.733 minor'),
  ev(6, 'warning', 'X.733 warning'),
]);

/** ITU-T X.733 event type, values of IANA-ITU-ALARM-TC-MIB IANAItuEventType. */
export const EventTypeEnum = T.enumOf('X733EventType', [
  ev(1, 'other', 'Not one of the X.733 event types'),
  ev(2, 'communicationsAlarm', 'X.733 communications alarm'),
  ev(3, 'qualityOfServiceAlarm', 'X.733 quality of service alarm'),
  ev(4, 'processingErrorAlarm', 'X.733 processing error alarm'),
  ev(5, 'equipmentAlarm', 'X.733 equipment alarm'),
  ev(6, 'environmentalAlarm', 'X.733 environmental alarm'),
]);

export const Platform = T.enumOf('Platform', [
  ev(1, 'ethereum', 'Ethereum family over EIP-1474 JSON-RPC (geth, Besu, Nethermind, Erigon, Hardhat, Ganache, Anvil)'),
  ev(2, 'bitcoin', 'Bitcoin family over Bitcoin Core JSON-RPC (Bitcoin Core, Litecoin Core)'),
  ev(3, 'beacon', 'Ethereum proof-of-stake consensus layer over the standard Beacon Node API, REST and server-sent events (Lighthouse, Prysm, Teku, Nimbus, Lodestar)'),
]);

export { ev };
