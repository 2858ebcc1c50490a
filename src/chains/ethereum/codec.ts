/**
 * Decoding of EIP-1474 answers: hex quantities, blocks, peers. Core values that do not decode reject
 * with MalformedResponseError; optional values that do not decode are absent.
 */
import type { BlockSummary, Scalar, Values } from '../adapter';
import { MalformedResponseError, blockTime } from '../errors';
import { cliqueSigner } from './clique-seal';

export type JsonObject = Record<string, unknown>;

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
/** Root of the empty transaction trie: a header with it has no transactions. */
export const EMPTY_TRIE_ROOT = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const QUANTITY = /^0x[0-9a-fA-F]{1,64}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/** A hex quantity ("0x1a") as bigint, or undefined when it is not one. */
export function quantity(v: unknown): bigint | undefined {
  if (typeof v === 'string' && QUANTITY.test(v)) return BigInt(v);
  // Some clients (older Ganache, Nethermind in places) answer plain numbers.
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return undefined;
}

/** A quantity as a number when it fits in one exactly, else as bigint (64-bit values of the model). */
export function num(v: bigint | undefined): number | bigint | undefined {
  if (v === undefined) return undefined;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function optQuantity(v: unknown): number | bigint | undefined {
  return num(quantity(v));
}

/** A quantity as decimal text (bigDecimal attributes: gas price, difficulty). */
export function decimal(v: unknown): string | undefined {
  const q = quantity(v);
  return q === undefined ? undefined : q.toString(10);
}

export function optString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function optBool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function reqQuantity(o: JsonObject, key: string, what: string): bigint {
  const q = quantity(o[key]);
  if (q === undefined) throw new MalformedResponseError(`${what}: ${key} is not a hex quantity`);
  return q;
}

function reqSafe(o: JsonObject, key: string, what: string): number {
  const q = reqQuantity(o, key, what);
  if (q > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedResponseError(`${what}: ${key} out of range`);
  return Number(q);
}

function reqHash(o: JsonObject, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !HASH.test(v)) throw new MalformedResponseError(`${what}: ${key} is not a 32-octet hash`);
  return v.toLowerCase();
}

/** Producer of a block: its miner / fee recipient, absent when it is the zero address (Clique, some dev chains). */
export function producerOf(miner: unknown): string | undefined {
  if (typeof miner !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(miner)) return undefined;
  const m = miner.toLowerCase();
  return m === ZERO_ADDRESS ? undefined : m;
}

/**
 * A block (eth_getBlockByNumber / eth_getBlockByHash with full=false) or a newHeads header as BlockSummary.
 * A header has no transaction list: its txCount is taken as 0 only when its transactionsRoot is the
 * empty root, otherwise `txCountKnown` is false.
 */
export function toSummary(raw: unknown, what: string): { summary: BlockSummary; txCountKnown: boolean } {
  if (!isObject(raw)) throw new MalformedResponseError(`${what}: block is not an object`);
  const txs = raw.transactions;
  let txCount = 0;
  let txCountKnown = true;
  if (Array.isArray(txs)) txCount = txs.length;
  else if (raw.transactionsRoot !== EMPTY_TRIE_ROOT) txCountKnown = false;
  const difficulty = quantity(raw.difficulty);
  const summary: BlockSummary = {
    height: reqSafe(raw, 'number', what),
    hash: reqHash(raw, 'hash', what),
    parentHash: reqHash(raw, 'parentHash', what),
    time: blockTime(reqSafe(raw, 'timestamp', what), what),
    txCount,
    // Clique headers name no producer (miner is zero, or a vote's candidate): the seal tells who signed.
    producer: cliqueSigner(raw) ?? producerOf(raw.miner),
    difficulty: difficulty === undefined ? undefined : difficulty.toString(10),
  };
  return { summary, txCountKnown };
}

export function blockSummary(raw: unknown, what: string): BlockSummary {
  const { summary, txCountKnown } = toSummary(raw, what);
  if (!txCountKnown) throw new MalformedResponseError(`${what}: block has no transaction list`);
  return summary;
}

/** The node id of an enode URL (enode://<128 hex>@host:port). */
function enodeId(enode: unknown): string | undefined {
  if (typeof enode !== 'string') return undefined;
  const m = /^enode:\/\/([0-9a-fA-F]+)@/.exec(enode);
  return m ? m[1].toLowerCase() : undefined;
}

function enodeHost(enode: unknown): string | undefined {
  if (typeof enode !== 'string') return undefined;
  const m = /^enode:\/\/[0-9a-fA-F]+@([^?]+)/.exec(enode);
  return m ? m[1] : undefined;
}

/**
 * One admin_peers entry as peer Values. Geth and Besu: {id, name, enode, network: {remoteAddress, inbound}};
 * Nethermind: {clientId, host, port, address, enode, isInbound?}.
 */
export function peerValues(raw: unknown): Values {
  if (!isObject(raw)) return {};
  const network = isObject(raw.network) ? raw.network : {};
  const inbound = optBool(network.inbound) ?? optBool(raw.inbound) ?? optBool(raw.isInbound);
  const host = optString(raw.host);
  const port = typeof raw.port === 'number' ? raw.port : undefined;
  const address = optString(network.remoteAddress) ?? optString(raw.address)
    ?? (host !== undefined ? (port !== undefined ? `${host}:${port}` : host) : enodeHost(raw.enode));
  const id = optString(raw.id);
  return {
    peerId: id !== undefined ? id.replace(/^0x/, '').toLowerCase() : enodeId(raw.enode) ?? enodeId(raw.enodeUrl),
    address,
    direction: inbound === undefined ? 'unknown' : inbound ? 'inbound' : 'outbound',
    clientVersion: optString(raw.name) ?? optString(raw.clientId),
  };
}

/** Hex addresses of a validator / signer list answer, lower case; undefined when it is not one. */
export function addressList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const a of v) {
    if (typeof a !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(a)) return undefined;
    out.push(a.toLowerCase());
  }
  return out;
}

/** Drops absent entries, so that a Values object lists only what the node reported. */
export function compact(v: Record<string, Scalar | undefined>): Values {
  const out: Values = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = x;
  return out;
}
