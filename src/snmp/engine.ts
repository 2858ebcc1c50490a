/**
 * The SNMP engine's identity (RFC 3411 snmpEngineID, snmpEngineBoots, snmpEngineTime). The engine ID
 * is created once per data dir and kept; snmpEngineBoots is incremented and saved at each start so that
 * USM time windows (RFC 3414 section 2.2.3) survive restarts.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ENGINE_FILE = 'snmp-engine.json';
/** RFC 3414 section 2.2.3: snmpEngineBoots latches here and the engine must be reconfigured. */
export const MAX_BOOTS = 2147483647;

export class SnmpEngine {
  readonly id: Buffer;
  readonly boots: number;
  private readonly startedAt: number;

  private constructor(id: Buffer, boots: number) {
    this.id = id;
    this.boots = boots;
    this.startedAt = Date.now();
  }

  /**
   * Loads (or creates) the engine state of a data dir and counts one more boot. The ID follows RFC 3411's
   * format 5 (octets administratively assigned): 0x80000000 with enterprise 0 (no enterprise number is
   * assigned to the project yet), then 05, then 16 random octets.
   */
  static boot(dataDir: string): SnmpEngine {
    const file = path.join(dataDir, ENGINE_FILE);
    let id: Buffer | undefined;
    let boots = 0;
    try {
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { engineId?: unknown; boots?: unknown };
      if (typeof raw.engineId === 'string' && /^([0-9a-f]{2}){5,32}$/.test(raw.engineId)) id = Buffer.from(raw.engineId, 'hex');
      if (typeof raw.boots === 'number' && Number.isInteger(raw.boots) && raw.boots >= 0) boots = raw.boots;
    } catch { /* first start, or an unreadable file: a new identity */ }
    if (!id) { id = Buffer.concat([Buffer.from([0x80, 0, 0, 0, 5]), crypto.randomBytes(16)]); boots = 0; }
    boots = Math.min(boots + 1, MAX_BOOTS);
    fs.mkdirSync(dataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ engineId: id.toString('hex'), boots }) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
    return new SnmpEngine(id, boots);
  }

  /** An engine that persists nothing (unit tests). */
  static ephemeral(id: Buffer, boots = 1): SnmpEngine { return new SnmpEngine(id, boots); }

  /** snmpEngineTime: seconds since this boot. */
  time(): number { return Math.min(Math.floor((Date.now() - this.startedAt) / 1000), MAX_BOOTS); }
}
