/**
 * Checked readers for the JSON results of Bitcoin Core RPC calls. Results arrive as `unknown`; these
 * helpers turn them into typed fields or reject with MalformedResponseError, so nothing untyped leaves
 * this folder. Optional readers return undefined for a missing or null field (the value is absent) but
 * still reject a field of the wrong type.
 */
import { MalformedResponseError } from '../errors';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown, what: string): JsonObject {
  if (!isObject(v)) throw new MalformedResponseError(`${what}: expected a JSON object`);
  return v;
}

export function asArray(v: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new MalformedResponseError(`${what}: expected a JSON array`);
  return v;
}

export function optNumber(o: JsonObject, key: string, what: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MalformedResponseError(`${what}.${key}: expected a number`);
  return v;
}

export function reqNumber(o: JsonObject, key: string, what: string): number {
  const v = optNumber(o, key, what);
  if (v === undefined) throw new MalformedResponseError(`${what}.${key}: missing`);
  return v;
}

/** A non-negative integer (heights, counts, octets). */
export function optCount(o: JsonObject, key: string, what: string): number | undefined {
  const v = optNumber(o, key, what);
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new MalformedResponseError(`${what}.${key}: expected a non-negative integer`);
  return v;
}

export function reqCount(o: JsonObject, key: string, what: string): number {
  const v = optCount(o, key, what);
  if (v === undefined) throw new MalformedResponseError(`${what}.${key}: missing`);
  return v;
}

export function optString(o: JsonObject, key: string, what: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new MalformedResponseError(`${what}.${key}: expected a string`);
  return v;
}

export function reqString(o: JsonObject, key: string, what: string): string {
  const v = optString(o, key, what);
  if (v === undefined) throw new MalformedResponseError(`${what}.${key}: missing`);
  return v;
}

export function optBoolean(o: JsonObject, key: string, what: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new MalformedResponseError(`${what}.${key}: expected a boolean`);
  return v;
}

/** A 64-hex-digit block hash. */
export function reqHash(o: JsonObject, key: string, what: string): string {
  const v = reqString(o, key, what);
  if (!/^[0-9a-f]{64}$/i.test(v)) throw new MalformedResponseError(`${what}.${key}: expected a 64-digit hex hash`);
  return v.toLowerCase();
}

/**
 * A JSON number as plain decimal text, never in exponent notation: 4.656542373906925e-10 becomes
 * "0.0000000004656542373906925" (regtest difficulty), 1e21 becomes "1000000000000000000000".
 */
export function toPlainDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new MalformedResponseError(`not a finite number: ${n}`);
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const sign = m[1];
  const int = m[2];
  const frac = m[3] ?? '';
  const digits = int + frac;
  const point = int.length + Number(m[4]);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * An amount in coins per kvB as Bitcoin Core reports it (e.g. mempoolminfee 0.00001000) converted to
 * base units (satoshi, litoshi) per kvB, as integer decimal text ("1000").
 */
export function coinsToBaseUnits(coins: number): string {
  if (!Number.isFinite(coins) || coins < 0) throw new MalformedResponseError(`not a non-negative amount: ${coins}`);
  return BigInt(Math.round(coins * 1e8)).toString();
}
