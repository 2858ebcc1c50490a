/**
 * Pure conversions of Bitcoin Core RPC results to the model's attribute values (src/model: node, peer,
 * txPool, network, ledger, chainTip, consensus). No I/O here, so every mapping is unit-tested.
 * Conventions: enumerations are the model's camelCase labels; timestamps are numbers of milliseconds
 * since the epoch; 64-bit quantities are numbers (JSON gives them as numbers, all below 2^53);
 * decimal quantities (difficulty, fee rates) are decimal text.
 */
import type { BlockSummary, ChainTipObservation, TipStatus, Values } from '../adapter';
import { MAX_BLOCK_TIME_S, blockTime } from '../errors';
import {
  JsonObject, asArray, asObject, coinsToBaseUnits, optBoolean, optCount, optNumber, optString, reqCount, reqHash,
  reqString, toPlainDecimal,
} from './json';

const GENESIS_PARENT = '0'.repeat(64);

/**
 * Transactions of a block as BlockSummary.txCount counts them on the Bitcoin family: the transactions
 * users sent, i.e. nTx without the coinbase (see src/chains/adapter.ts).
 */
export function userTxCount(nTx: number): number {
  return Math.max(0, nTx - 1);
}

/** getblockheader (verbose) → BlockSummary. The producer is left absent (it would need the whole block). */
export function headerToSummary(result: unknown): BlockSummary {
  const h = asObject(result, 'getblockheader');
  const difficulty = optNumber(h, 'difficulty', 'getblockheader');
  return {
    height: reqCount(h, 'height', 'getblockheader'),
    hash: reqHash(h, 'hash', 'getblockheader'),
    parentHash: h.previousblockhash === undefined ? GENESIS_PARENT : reqHash(h, 'previousblockhash', 'getblockheader'),
    time: blockTime(reqCount(h, 'time', 'getblockheader'), 'getblockheader'), // seconds since the epoch, as BlockSummary.time says
    txCount: userTxCount(reqCount(h, 'nTx', 'getblockheader')),
    difficulty: difficulty === undefined ? undefined : toPlainDecimal(difficulty),
  };
}

export interface NodeInputs {
  readonly chain: JsonObject;
  readonly network?: JsonObject;
  readonly peerCount?: number;
  readonly uptime?: unknown;
  readonly netTotals?: JsonObject;
  readonly mining?: JsonObject;
}

/** Attributes of class node from getblockchaininfo, getnetworkinfo, uptime, getnettotals and getmininginfo. */
export function nodeValues(i: NodeInputs): Values {
  const c = i.chain;
  const n = i.network;
  const blocks = reqCount(c, 'blocks', 'getblockchaininfo');
  const headers = optCount(c, 'headers', 'getblockchaininfo');
  const ibd = optBoolean(c, 'initialblockdownload', 'getblockchaininfo');
  const protocol = n ? optNumber(n, 'protocolversion', 'getnetworkinfo') : undefined;
  const uptime = typeof i.uptime === 'number' && Number.isSafeInteger(i.uptime) && i.uptime >= 0 ? i.uptime : undefined;
  // Bitcoin Core lost its internal miner (and getmininginfo hashespersec) long ago: absent unless reported.
  const ownHashRate = i.mining ? optNumber(i.mining, 'hashespersec', 'getmininginfo') : undefined;
  return {
    clientVersion: n ? optString(n, 'subversion', 'getnetworkinfo') : undefined,
    protocolVersion: protocol === undefined ? undefined : String(protocol),
    networkId: reqString(c, 'chain', 'getblockchaininfo'),
    uptime, // seconds
    height: blocks,
    syncing: ibd === true || (headers !== undefined && headers > blocks),
    peerCount: (n ? optCount(n, 'connections', 'getnetworkinfo') : undefined) ?? i.peerCount,
    peerLimit: undefined, // Bitcoin Core reports no connection limit over RPC
    networkActive: n ? optBoolean(n, 'networkactive', 'getnetworkinfo') : undefined,
    hashRate: ownHashRate === undefined ? undefined : Math.round(ownHashRate),
    bytesIn: i.netTotals ? optCount(i.netTotals, 'totalbytesrecv', 'getnettotals') : undefined,
    bytesOut: i.netTotals ? optCount(i.netTotals, 'totalbytessent', 'getnettotals') : undefined,
  };
}

/** Attributes of class network: the chain name and proof of work. */
export function networkValues(chain: JsonObject): Values {
  return { chainId: reqString(chain, 'chain', 'getblockchaininfo'), consensusAlgorithm: 'pow' };
}

/** Ledger attributes beyond the head: getblockchaininfo headers/size_on_disk/difficulty, getchaintxstats txcount. */
export function ledgerValues(chain: JsonObject, txStats: JsonObject | undefined): Values {
  const difficulty = optNumber(chain, 'difficulty', 'getblockchaininfo');
  return {
    bestKnownHeight: optCount(chain, 'headers', 'getblockchaininfo'),
    totalTransactions: txStats ? optCount(txStats, 'txcount', 'getchaintxstats') : undefined,
    sizeOnDisk: optCount(chain, 'size_on_disk', 'getblockchaininfo'),
    difficulty: difficulty === undefined ? undefined : toPlainDecimal(difficulty),
  };
}

/** getmempoolinfo → txPool. minFeeRate: mempoolminfee (coins/kvB) in base units per kvB, decimal text. */
export function txPoolValues(m: JsonObject): Values {
  const minFee = optNumber(m, 'mempoolminfee', 'getmempoolinfo');
  return {
    pending: optCount(m, 'size', 'getmempoolinfo'),
    bytes: optCount(m, 'bytes', 'getmempoolinfo'),
    usage: optCount(m, 'usage', 'getmempoolinfo'),
    maxSize: optCount(m, 'maxmempool', 'getmempoolinfo'),
    minFeeRate: minFee === undefined ? undefined : coinsToBaseUnits(minFee),
  };
}

/** One getpeerinfo entry → class peer. */
export function peerValues(result: unknown): Values {
  const p = asObject(result, 'getpeerinfo[]');
  const w = 'getpeerinfo[]';
  const id = optNumber(p, 'id', w);
  const inbound = optBoolean(p, 'inbound', w);
  const conntime = optCount(p, 'conntime', w);
  const ping = optNumber(p, 'pingtime', w);
  const synced = optNumber(p, 'synced_blocks', w);
  return {
    peerId: id === undefined ? undefined : String(id),
    address: optString(p, 'addr', w),
    direction: inbound === undefined ? 'unknown' : inbound ? 'inbound' : 'outbound',
    clientVersion: optString(p, 'subver', w),
    // ms since the epoch; a time no Date can hold is left out, as a peer's other malformed fields are
    connectedSince: conntime === undefined || conntime === 0 || conntime > MAX_BLOCK_TIME_S ? undefined : conntime * 1000,
    pingTime: ping === undefined || ping < 0 ? undefined : Math.round(ping * 1e6), // microseconds
    bytesIn: optCount(p, 'bytesrecv', w),
    bytesOut: optCount(p, 'bytessent', w),
    peerHeight: synced === undefined || synced < 0 ? undefined : synced, // -1: nothing in common yet
  };
}

const TIP_STATUS: Readonly<Record<string, TipStatus>> = {
  'active': 'active',
  'valid-fork': 'validFork',
  'valid-headers': 'validHeaders',
  'headers-only': 'headersOnly',
  'invalid': 'invalid',
};

export function tipStatus(s: string): TipStatus {
  return TIP_STATUS[s] ?? 'unknown';
}

/** getchaintips → tips, the active tip first, then as the node lists them. */
export function tipObservations(result: unknown): ChainTipObservation[] {
  const tips = asArray(result, 'getchaintips').map((t): ChainTipObservation => {
    const o = asObject(t, 'getchaintips[]');
    return {
      height: reqCount(o, 'height', 'getchaintips[]'),
      hash: reqHash(o, 'hash', 'getchaintips[]'),
      branchLength: reqCount(o, 'branchlen', 'getchaintips[]'),
      status: tipStatus(reqString(o, 'status', 'getchaintips[]')),
    };
  });
  const active = tips.filter((t) => t.status === 'active');
  return [...active, ...tips.filter((t) => t.status !== 'active')];
}

/** networkHashRate from getmininginfo networkhashps or from getnetworkhashps, in whole hashes per second. */
export function consensusValues(mining: JsonObject | undefined, hashps: unknown): Values {
  let rate: number | undefined;
  if (mining) rate = optNumber(mining, 'networkhashps', 'getmininginfo');
  else if (typeof hashps === 'number' && Number.isFinite(hashps)) rate = hashps;
  return { networkHashRate: rate === undefined || rate < 0 ? undefined : Math.round(rate) };
}

