/**
 * What every concern of the scalar type table (src/model/scalars.ts) shares: the type of a base, the value
 * shapes, the size limits of the string-carried types, and small value conversions. Pure: no protocol imports.
 */
import type { ScalarType } from '../types';

/** The base of a scalar type of the model ('name', 'uint32', ...). */
export type ScalarBase = ScalarType['base'];
/** The scalar type of one base, with its refinements. */
export type ScalarOf<B extends ScalarBase> = Extract<ScalarType, { base: B }>;
/** One entry of a concern per base: the compiler refuses a table that lacks a base. */
export type PerBase<E extends Record<ScalarBase, unknown>> = E;

/** A value of the live instance tree (src/state/tree.ts Scalar). */
export type TreeScalar = string | number | bigint | boolean;
/** A value of the configuration document (src/config/document.ts ConfigScalar). */
export type PlainScalar = string | number | boolean;

/** Size limits of the types carried as strings (octets), shared by the SMIv2 rendering and the codecs. */
export const SIZES = {
  /** 'name': 1..32 characters. */
  name: 32,
  /** Default maximum length of 'text'. */
  textDefault: 255,
  decimal: 255,
  resource: 255,
  uri: 255,
  /** Largest OCTET STRING of SMIv2 (RFC 2578 section 7.1.2). */
  octets: 65535,
} as const;

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
export const UINT32_MAX = 0xffffffff;
export const UINT64_MAX = 0xffffffffffffffffn;
/** The largest 'level' (thousandths in 32 bits). */
export const LEVEL_MAX = 4294967.295;

export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

export function toBigInt(v: TreeScalar): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v);
  return undefined;
}

export function toNumber(v: TreeScalar): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** ms since the epoch of a timestamp value (ms number or date text); NaN when it is not one. */
export function timestampMs(v: TreeScalar): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Date.parse(String(v));
}

/** The octets of a hex value ("0x..." or bare digits, odd length padded); undefined when it is not hex. */
export function hexBytes(v: TreeScalar): Buffer | undefined {
  if (typeof v !== 'string') return undefined;
  let h = v.startsWith('0x') || v.startsWith('0X') ? v.slice(2) : v;
  if (!/^[0-9a-fA-F]*$/.test(h)) return undefined;
  if (h.length % 2) h = '0' + h;
  return Buffer.from(h, 'hex');
}

/** The number of an enumeration value given by label (or already by number). */
export function enumNumber(type: ScalarOf<'enum'>, v: TreeScalar): number | undefined {
  if (typeof v === 'number') return v;
  return type.values.find((e) => e.name === v)?.value;
}

/** Integer text of a number or bigint (a fraction is truncated). */
export function intText(v: TreeScalar): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return String(v); // the same digits, without a BigInt
    return Number.isInteger(v) ? BigInt(v).toString() : BigInt(Math.trunc(v)).toString();
  }
  return String(v);
}

/** The largest time (ms since the epoch, either side) a Date holds: +275760-09-13T00:00:00.000Z. */
export const MAX_DATE_MS = 8.64e15;

/** The latest time isoTimeInto writes by arithmetic (9999-12-31T23:59:59.999Z); later ones, and negative ones, by Date. */
const LAST_ISO_MS = 253402300799999;

/** Writes n in width decimal digits (zero-padded) at out[pos]. */
function digits(out: Uint8Array, pos: number, n: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) {
    out[pos + i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
}

/**
 * Writes what new Date(ms).toISOString() writes (24 ASCII characters) at out[pos] and returns the position after
 * it, by arithmetic, for the integer times of years 1970 to 9999; -1 for other values (written nowhere).
 */
export function isoTimeInto(ms: number, out: Uint8Array, pos: number): number {
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_ISO_MS) return -1;
  const days = Math.floor(ms / 86400000);
  let rem = ms - days * 86400000;
  // civil date of a day number (H. Hinnant, "chrono-compatible low-level date algorithms")
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rem / 3600000);
  rem -= h * 3600000;
  const mi = Math.floor(rem / 60000);
  rem -= mi * 60000;
  const sec = Math.floor(rem / 1000);
  // YYYY-MM-DDTHH:MM:SS.mmmZ
  digits(out, pos, y, 4); out[pos + 4] = 0x2d; digits(out, pos + 5, m, 2); out[pos + 7] = 0x2d; digits(out, pos + 8, d, 2);
  out[pos + 10] = 0x54; digits(out, pos + 11, h, 2); out[pos + 13] = 0x3a; digits(out, pos + 14, mi, 2); out[pos + 16] = 0x3a;
  digits(out, pos + 17, sec, 2); out[pos + 19] = 0x2e; digits(out, pos + 20, rem - sec * 1000, 3); out[pos + 23] = 0x5a;
  return pos + 24;
}

/** Scratch for isoTime: the 24 characters of one time, made into one string at the end. */
const isoScratch = Buffer.alloc(24);

/**
 * new Date(ms).toISOString(), written by isoTimeInto for the times of years 1970 to 9999 (a third of the cost, a
 * fifth of the garbage of a string built from padded parts: a full read renders tens of thousands of timestamps);
 * other values by Date.
 */
export function isoTime(ms: number): string {
  return isoTimeInto(ms, isoScratch, 0) < 0 ? new Date(ms).toISOString() : isoScratch.toString('latin1', 0, 24);
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Writes intText(v) (ASCII decimal digits, at most 17 bytes) at out[pos] and returns the position after it, for
 * integers within +-(2^53 - 1), numbers or bigints; -1 for other values (written nowhere).
 */
export function decimalInto(v: TreeScalar, out: Uint8Array, pos: number): number {
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return -1;
    n = v;
  } else if (typeof v === 'bigint') {
    if (v > MAX_SAFE_BIG || v < -MAX_SAFE_BIG) return -1;
    n = Number(v);
  } else return -1;
  if (n < 0) { out[pos++] = 0x2d; n = -n; }
  let width = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) width++;
  digits(out, pos, n, width);
  return pos + width;
}
