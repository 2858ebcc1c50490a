/** snmptrapd output (format2 "%P|%v\n") as notifications: the PDU kind, snmpTrapOID.0 and the varbinds by name. */

/** One notification logged by snmptrapd with the format "%P|%v\n" (PDU kind and security, then the varbinds). */
export interface TrapLine {
  /** TRAP2 or INFORM. */
  readonly kind: string;
  /** snmpTrapOID.0, e.g. BLOCKCHAIN-MGMT-MIB::bcmAlarmRaised. */
  readonly trapOid: string;
  /** Varbinds by name ("bcmAlarmResource.3" -> "STRING: network/ltc/node/n2"). */
  readonly vars: ReadonlyMap<string, string>;
  readonly line: string;
}

export function parseTraps(out: string): TrapLine[] {
  const lines: TrapLine[] = [];
  for (const line of out.split('\n')) {
    const bar = line.indexOf('|');
    if (bar < 0 || !/^(TRAP2|INFORM|TRAP),/.test(line)) continue;
    const vars = new Map<string, string>();
    for (const vb of line.slice(bar + 1).split('\t')) {
      const eq = vb.indexOf(' = ');
      if (eq < 0) continue;
      // Names without their module: "BLOCKCHAIN-MGMT-MIB::bcmAlarmResource.3" -> "bcmAlarmResource.3".
      vars.set(vb.slice(0, eq).replace(/^[A-Za-z0-9-]+::/, ''), vb.slice(eq + 3).trim());
    }
    lines.push({ kind: line.slice(0, line.indexOf(',')), trapOid: (vars.get('snmpTrapOID.0') ?? '').replace(/^OID: /, ''), vars, line });
  }
  return lines;
}

/** The alarm notifications (raised / cleared) of snmptrapd's output about one resource. */
export function alarmTraps(out: string, name: 'bcmAlarmRaised' | 'bcmAlarmCleared', resource: string): TrapLine[] {
  return parseTraps(out).filter((t) => t.trapOid.endsWith(`::${name}`) &&
    [...t.vars].some(([k, v]) => k.startsWith('bcmAlarmResource.') && v === `STRING: ${resource}`));
}
