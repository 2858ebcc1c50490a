/**
 * Who sealed a Clique block (EIP-225): the signer is recovered from the 65-octet seal at the end of the
 * header's extraData, a secp256k1 signature over keccak-256 of the RLP of the header with the seal cut
 * off. The header is rebuilt from the eth_getBlockByNumber answer; it is trusted only when the RLP of the
 * whole header hashes to the block's own hash, so a client that leaves out or adds a field gives no
 * signer rather than a wrong one.
 */
import { keccak256 } from '../../contract/keccak';
import { recoverPublicKey } from './clique-secp256k1';

/** extraData: 32 octets of vanity, then (checkpoints only) the signers, then the 65-octet seal. */
export const EXTRA_VANITY = 32;
export const EXTRA_SEAL = 65;

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const QTY = /^0x[0-9a-fA-F]{1,64}$/;

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
}

function toHex(b: Uint8Array): string {
  return '0x' + Buffer.from(b).toString('hex');
}

/** A quantity as the minimal big-endian octets RLP wants (zero: no octets). */
function quantityBytes(hex: string): Uint8Array {
  const v = BigInt(hex);
  if (v === 0n) return new Uint8Array(0);
  const h = v.toString(16);
  return bytes('0x' + (h.length % 2 ? '0' : '') + h);
}

function lengthPrefix(len: number, short: number): Uint8Array {
  if (len < 56) return Uint8Array.of(short + len);
  const h = len.toString(16);
  const lb = bytes('0x' + (h.length % 2 ? '0' : '') + h);
  return Uint8Array.of(short + 55 + lb.length, ...lb);
}

/** RLP of a list of byte strings (the only shape a header needs). */
export function rlpList(items: readonly Uint8Array[]): Uint8Array {
  const parts = items.map((it) => (it.length === 1 && it[0] < 0x80 ? it : Buffer.concat([lengthPrefix(it.length, 0x80), it])));
  const body = Buffer.concat(parts);
  return Uint8Array.from(Buffer.concat([lengthPrefix(body.length, 0xc0), body]));
}

/** Header fields in RLP order, with their kind: data (octets as given) or quantity (minimal integer). */
const FIELDS: readonly (readonly [string, 'data' | 'qty'])[] = [
  ['parentHash', 'data'], ['sha3Uncles', 'data'], ['miner', 'data'], ['stateRoot', 'data'], ['transactionsRoot', 'data'],
  ['receiptsRoot', 'data'], ['logsBloom', 'data'], ['difficulty', 'qty'], ['number', 'qty'], ['gasLimit', 'qty'],
  ['gasUsed', 'qty'], ['timestamp', 'qty'], ['extraData', 'data'], ['mixHash', 'data'], ['nonce', 'data'],
];
/** Fields later forks appended, each present only from its fork on (London, Shanghai, Cancun, Prague). */
const OPTIONAL: readonly (readonly [string, 'data' | 'qty'])[] = [
  ['baseFeePerGas', 'qty'], ['withdrawalsRoot', 'data'], ['blobGasUsed', 'qty'], ['excessBlobGas', 'qty'],
  ['parentBeaconBlockRoot', 'data'], ['requestsHash', 'data'],
];

/** The header's RLP items, or undefined when a field is missing or not hex. */
function headerItems(raw: Record<string, unknown>): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  const take = (key: string, kind: 'data' | 'qty'): boolean => {
    const v = raw[key];
    if (typeof v !== 'string' || !(kind === 'qty' ? QTY : HEX).test(v)) return false;
    out.push(kind === 'qty' ? quantityBytes(v) : bytes(v));
    return true;
  };
  for (const [k, kind] of FIELDS) if (!take(k, kind)) return undefined;
  for (const [k, kind] of OPTIONAL) {
    if (raw[k] === undefined || raw[k] === null) break;
    if (!take(k, kind)) return undefined;
  }
  return out;
}

/** Address of the key that made a 65-octet [r, s, v] signature over hash, lower case; undefined when none. */
export function recoverAddress(hash: Uint8Array, sig: Uint8Array): string | undefined {
  if (sig.length !== 65) return undefined;
  const r = BigInt(toHex(sig.subarray(0, 32)));
  const s = BigInt(toHex(sig.subarray(32, 64)));
  const v = sig[64] >= 27 ? sig[64] - 27 : sig[64];
  const pub = recoverPublicKey(BigInt(toHex(hash)), r, s, v);
  if (!pub) return undefined;
  const xy = bytes('0x' + pub.x.toString(16).padStart(64, '0') + pub.y.toString(16).padStart(64, '0'));
  return toHex(keccak256(xy).subarray(12));
}

const ZERO_HASH = '0x' + '0'.repeat(64);

/**
 * Whether a block answer has the shape of a Clique header (EIP-225): difficulty 1 or 2, mixHash zero, nonce
 * all zeros or all ones (a vote), extraData long enough for vanity and seal. QBFT/IBFT headers (mixHash
 * "istanbul digest") and proof-of-work or proof-of-stake headers do not.
 */
export function looksClique(raw: unknown): raw is Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null) return false;
  const r = raw as Record<string, unknown>;
  const x = r.extraData;
  return (r.difficulty === '0x1' || r.difficulty === '0x2') && typeof r.mixHash === 'string' && r.mixHash.toLowerCase() === ZERO_HASH
    && (r.nonce === '0x0000000000000000' || r.nonce === '0xffffffffffffffff')
    && typeof x === 'string' && x.length >= 2 + 2 * (EXTRA_VANITY + EXTRA_SEAL);
}

/**
 * The signer of a Clique block given as an eth_getBlockByNumber (or newHeads) answer, lower case; undefined
 * when the block is no Clique block (extraData too short for a seal) or its header cannot be rebuilt exactly.
 */
export function cliqueSigner(raw: unknown): string | undefined {
  if (!looksClique(raw) || typeof raw.hash !== 'string' || typeof raw.extraData !== 'string' || !HEX.test(raw.extraData)) return undefined;
  const extra = bytes(raw.extraData);
  if (extra.length < EXTRA_VANITY + EXTRA_SEAL) return undefined;
  const items = headerItems(raw);
  if (!items) return undefined;
  if (toHex(keccak256(rlpList(items))) !== raw.hash.toLowerCase()) return undefined;
  const at = FIELDS.findIndex(([k]) => k === 'extraData');
  items[at] = extra.subarray(0, extra.length - EXTRA_SEAL);
  return recoverAddress(keccak256(rlpList(items)), extra.subarray(extra.length - EXTRA_SEAL));
}
