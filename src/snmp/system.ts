/**
 * The standard objects an SNMP agent answers besides its own MIB: the SNMPv2-MIB system and snmp groups
 * (RFC 3418), the SNMP-FRAMEWORK-MIB snmpEngine group (RFC 3411), the SNMP-MPD-MIB statistics (RFC 3412)
 * and the SNMP-USER-BASED-SM-MIB usmStats counters (RFC 3414).
 */
import * as os from 'node:os';
import { modelIndex } from '../model';
import type { SnmpValue } from './ber';
import type { SnmpEngine } from './engine';
import type { StaticObject } from './mibview';
import { OIDS, parseOid } from './oid';
import { upTime } from './uptime';

/** The agent's counters (Counter32, wrapping at 2^32). */
export class SnmpCounters {
  inPkts = 0;
  inBadVersions = 0;
  inBadCommunityNames = 0;
  inBadCommunityUses = 0;
  inASNParseErrs = 0;
  silentDrops = 0;
  proxyDrops = 0;
  unknownSecurityModels = 0;
  invalidMsgs = 0;
  unknownPDUHandlers = 0;
  usmUnsupportedSecLevels = 0;
  usmNotInTimeWindows = 0;
  usmUnknownUserNames = 0;
  usmUnknownEngineIDs = 0;
  usmWrongDigests = 0;
  usmDecryptionErrors = 0;
  /** Datagrams the socket thread answered without the main thread (socket-thread.ts); in snmpInPkts with inPkts. */
  answeredElsewhere: () => number = () => 0;
}

export type CounterName = Exclude<keyof SnmpCounters, 'answeredElsewhere'>;

export interface SystemInfo {
  readonly descr: string;
  readonly contact: string;
  readonly name: string;
  readonly location: string;
  /** Agent start (sysUpTime zero), ms since the epoch. */
  readonly startedAt: number;
  readonly maxMessageSize: number;
}

export function defaultSystemInfo(version: string, startedAt: number, maxMessageSize: number): SystemInfo {
  return {
    descr: `bcmgmt ${version}: management bridge for blockchain networks (${modelIndex.model.module.mibName}, draft ITU-T M.immbs); ` +
      `Node.js ${process.version} on ${os.type()} ${os.release()} ${os.arch()}`,
    contact: modelIndex.model.module.contact,
    name: os.hostname(),
    location: '',
    startedAt,
    maxMessageSize,
  };
}


const str = (s: string | Buffer): SnmpValue => ({ type: 'octets', value: typeof s === 'string' ? Buffer.from(s, 'utf8') : s });
const int = (n: number): SnmpValue => ({ type: 'integer', value: n });
const c32 = (n: number): SnmpValue => ({ type: 'counter32', value: n % 0x100000000 });

export function standardObjects(info: SystemInfo, engine: SnmpEngine, c: SnmpCounters): StaticObject[] {
  const rootOid = parseOid(modelIndex.rootOid);
  const o = (dotted: string, get: () => SnmpValue | undefined, cache?: StaticObject['cache']): StaticObject => ({ oid: parseOid(dotted), get, cache });
  // the value of these does not change while the agent runs (get-cells.ts): the socket thread may answer them
  const k = (dotted: string, get: () => SnmpValue | undefined): StaticObject => o(dotted, get, 'constant');
  const sys = '1.3.6.1.2.1.1';
  const snmp = '1.3.6.1.2.1.11';
  return [
    k(`${sys}.1.0`, () => str(info.descr)),
    k(`${sys}.2.0`, () => ({ type: 'oid', value: rootOid })),
    o(`${sys}.3.0`, () => ({ type: 'timeTicks', value: upTime(info.startedAt) }), 'upTime'),
    k(`${sys}.4.0`, () => str(info.contact)),
    k(`${sys}.5.0`, () => str(info.name)),
    k(`${sys}.6.0`, () => str(info.location)),
    k(`${sys}.7.0`, () => int(72)), // applications (64) + end-to-end (8)
    k(`${sys}.8.0`, () => ({ type: 'timeTicks', value: 0 })),
    // sysORTable: the one MIB module this agent implements beyond the standard ones.
    k(`${sys}.9.1.2.1`, () => ({ type: 'oid', value: rootOid })),
    k(`${sys}.9.1.3.1`, () => str(`${modelIndex.model.module.mibName}: ${modelIndex.model.module.description}`.slice(0, 255))),
    k(`${sys}.9.1.4.1`, () => ({ type: 'timeTicks', value: 0 })),
    o(`${snmp}.1.0`, () => c32(c.inPkts + c.answeredElsewhere())),
    o(`${snmp}.3.0`, () => c32(c.inBadVersions)),
    o(`${snmp}.4.0`, () => c32(c.inBadCommunityNames)),
    o(`${snmp}.5.0`, () => c32(c.inBadCommunityUses)),
    o(`${snmp}.6.0`, () => c32(c.inASNParseErrs)),
    k(`${snmp}.30.0`, () => int(2)), // snmpEnableAuthenTraps: disabled
    o(`${snmp}.31.0`, () => c32(c.silentDrops)),
    o(`${snmp}.32.0`, () => c32(c.proxyDrops)),
    k('1.3.6.1.6.3.10.2.1.1.0', () => str(engine.id)),
    k('1.3.6.1.6.3.10.2.1.2.0', () => int(engine.boots)),
    o('1.3.6.1.6.3.10.2.1.3.0', () => int(engine.time())),
    k('1.3.6.1.6.3.10.2.1.4.0', () => int(info.maxMessageSize)),
    o(OIDS.snmpUnknownSecurityModels.join('.'), () => c32(c.unknownSecurityModels)),
    o(OIDS.snmpInvalidMsgs.join('.'), () => c32(c.invalidMsgs)),
    o(OIDS.snmpUnknownPDUHandlers.join('.'), () => c32(c.unknownPDUHandlers)),
    o(OIDS.usmStatsUnsupportedSecLevels.join('.'), () => c32(c.usmUnsupportedSecLevels)),
    o(OIDS.usmStatsNotInTimeWindows.join('.'), () => c32(c.usmNotInTimeWindows)),
    o(OIDS.usmStatsUnknownUserNames.join('.'), () => c32(c.usmUnknownUserNames)),
    o(OIDS.usmStatsUnknownEngineIDs.join('.'), () => c32(c.usmUnknownEngineIDs)),
    o(OIDS.usmStatsWrongDigests.join('.'), () => c32(c.usmWrongDigests)),
    o(OIDS.usmStatsDecryptionErrors.join('.'), () => c32(c.usmDecryptionErrors)),
  ];
}
