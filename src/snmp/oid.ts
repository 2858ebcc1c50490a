/** Object identifiers as arrays of sub-identifiers: parsing, printing, ordering (RFC 3416 lexicographic). */

export type Oid = readonly number[];

export function parseOid(s: string): number[] {
  const t = s.startsWith('.') ? s.slice(1) : s;
  if (!/^[0-9]+(\.[0-9]+)*$/.test(t)) throw new Error(`not a dotted OID: ${s}`);
  return t.split('.').map((x) => {
    const n = Number(x);
    if (!Number.isSafeInteger(n) || n > 0xffffffff) throw new Error(`sub-identifier out of range in ${s}`);
    return n;
  });
}

export function formatOid(o: Oid): string { return o.join('.'); }

/** Lexicographic order of RFC 3416 (a prefix sorts before its extensions). */
export function compareOids(a: Oid, b: Oid): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function startsWith(o: Oid, prefix: Oid): boolean {
  if (o.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (o[i] !== prefix[i]) return false;
  return true;
}

/** Well-known OIDs the agent uses. */
export const OIDS = {
  sysUpTime0: parseOid('1.3.6.1.2.1.1.3.0'),
  snmpTrapOID0: parseOid('1.3.6.1.6.3.1.1.4.1.0'),
  coldStart: parseOid('1.3.6.1.6.3.1.1.5.1'),
  system: parseOid('1.3.6.1.2.1.1'),
  snmp: parseOid('1.3.6.1.2.1.11'),
  snmpEngine: parseOid('1.3.6.1.6.3.10.2.1'),
  usmStats: parseOid('1.3.6.1.6.3.15.1.1'),
  mpdStats: parseOid('1.3.6.1.6.3.11.2.1'),
  usmStatsUnsupportedSecLevels: parseOid('1.3.6.1.6.3.15.1.1.1.0'),
  usmStatsNotInTimeWindows: parseOid('1.3.6.1.6.3.15.1.1.2.0'),
  usmStatsUnknownUserNames: parseOid('1.3.6.1.6.3.15.1.1.3.0'),
  usmStatsUnknownEngineIDs: parseOid('1.3.6.1.6.3.15.1.1.4.0'),
  usmStatsWrongDigests: parseOid('1.3.6.1.6.3.15.1.1.5.0'),
  usmStatsDecryptionErrors: parseOid('1.3.6.1.6.3.15.1.1.6.0'),
  snmpUnknownSecurityModels: parseOid('1.3.6.1.6.3.11.2.1.1.0'),
  snmpInvalidMsgs: parseOid('1.3.6.1.6.3.11.2.1.2.0'),
  snmpUnknownPDUHandlers: parseOid('1.3.6.1.6.3.11.2.1.3.0'),
} as const;
