/**
 * Per-block activity of an Ethereum-family node for contract and cross-chain management: the block's
 * transactions with their receipts (status, gas used, logs, created contract), an account's code and
 * balance, and bounded eth_getLogs queries. Receipts come from eth_getBlockReceipts where the node has
 * it (geth, Besu, Nethermind, Erigon, Reth: one call), otherwise one eth_getTransactionReceipt per
 * transaction (Hardhat, Ganache, older clients), at most RECEIPT_CONCURRENCY in flight.
 */
import type { AccountState, BlockActivity, EventLog, FoundLog, LogQuery, TxActivity } from '../adapter';
import { MalformedResponseError, blockTime } from '../errors';
import { isObject, quantity } from './codec';
import type { JsonObject } from './codec';
import type { MethodBook } from './methods';

const RECEIPT_CONCURRENCY = 16;
/** Largest height range of one eventLogs query (providers commonly cap eth_getLogs at 10 000 blocks). */
export const MAX_LOG_RANGE = 10_000;

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const HEX = /^0x([0-9a-fA-F]{2})*$/;

function hex(n: number): string { return '0x' + n.toString(16); }

function reqHash(o: JsonObject, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !HASH.test(v)) throw new MalformedResponseError(`${what}: ${key} is not a 32-octet hash`);
  return v.toLowerCase();
}

function reqAddress(o: JsonObject, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !ADDRESS.test(v)) throw new MalformedResponseError(`${what}: ${key} is not an address`);
  return v.toLowerCase();
}

function optAddress(v: unknown): string | undefined {
  return typeof v === 'string' && ADDRESS.test(v) ? v.toLowerCase() : undefined;
}

function reqSafe(o: JsonObject, key: string, what: string): number {
  const q = quantity(o[key]);
  if (q === undefined || q > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedResponseError(`${what}: ${key} is not a hex quantity`);
  return Number(q);
}

function logOf(raw: unknown, what: string): EventLog & { raw: JsonObject } {
  if (!isObject(raw)) throw new MalformedResponseError(`${what}: log is not an object`);
  const topics = raw.topics;
  if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string' && HASH.test(t))) {
    throw new MalformedResponseError(`${what}: log topics are not 32-octet values`);
  }
  return { address: reqAddress(raw, 'address', what), topics: topics.map((t: string) => t.toLowerCase()), raw };
}

interface Receipt { status?: boolean; gasUsed: bigint; contractAddress?: string; logs: EventLog[]; blockHash: string; txHash: string }

function receiptOf(raw: unknown, what: string): Receipt {
  if (!isObject(raw)) throw new MalformedResponseError(`${what}: receipt is not an object`);
  const gasUsed = quantity(raw.gasUsed);
  if (gasUsed === undefined) throw new MalformedResponseError(`${what}: gasUsed is not a hex quantity`);
  const st = quantity(raw.status);
  const logs = Array.isArray(raw.logs) ? raw.logs.map((l) => { const x = logOf(l, what); return { address: x.address, topics: x.topics }; }) : [];
  return {
    status: st === undefined ? undefined : st === 1n,
    gasUsed,
    contractAddress: optAddress(raw.contractAddress),
    logs,
    blockHash: reqHash(raw, 'blockHash', what),
    txHash: reqHash(raw, 'transactionHash', what),
  };
}

/** Runs f over items with at most `limit` in flight, keeping the order of the answers. */
async function mapLimited<T, R>(items: readonly T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The receipts of a block's transactions, in the order of txHashes. */
async function receiptsOf(book: MethodBook, height: number, blockHash: string, txHashes: readonly string[]): Promise<Receipt[]> {
  if (!txHashes.length) return [];
  const all = await book.optional<unknown>('eth_getBlockReceipts', [hex(height)]);
  if (Array.isArray(all)) {
    const byTx = new Map<string, Receipt>();
    for (const r of all) { const x = receiptOf(r, `eth_getBlockReceipts(${height})`); byTx.set(x.txHash, x); }
    const ordered = txHashes.map((h) => byTx.get(h));
    // A block replaced between the two calls: fall through to the per-transaction receipts.
    if (ordered.every((r) => r !== undefined && r.blockHash === blockHash)) return ordered as Receipt[];
  }
  return mapLimited(txHashes, RECEIPT_CONCURRENCY, async (h) => {
    const raw = await book.call('eth_getTransactionReceipt', [h]);
    if (raw === null) throw new MalformedResponseError(`eth_getTransactionReceipt(${h}): no receipt for a mined transaction (block replaced?)`);
    const r = receiptOf(raw, `eth_getTransactionReceipt(${h})`);
    if (r.blockHash !== blockHash) throw new MalformedResponseError(`eth_getTransactionReceipt(${h}): receipt of another block (block replaced)`);
    return r;
  });
}

/**
 * The block at height (by hash when given) with its transactions and their receipts. Rejects with
 * MalformedResponseError when the node has no such block or the block changed while being read.
 */
export async function blockActivity(book: MethodBook, height: number, hash?: string): Promise<BlockActivity> {
  const what = `block ${height}`;
  const raw = hash !== undefined
    ? await book.call('eth_getBlockByHash', [hash, true])
    : await book.call('eth_getBlockByNumber', [hex(height), true]);
  if (!isObject(raw)) throw new MalformedResponseError(`${what}: the node has no such block${hash ? ` ${hash}` : ''}`);
  const blockHash = reqHash(raw, 'hash', what);
  const number = reqSafe(raw, 'number', what);
  if (number !== height) throw new MalformedResponseError(`${what}: the node answered block ${number}`);
  const time = blockTime(reqSafe(raw, 'timestamp', what), what);
  const txs = raw.transactions;
  if (!Array.isArray(txs)) throw new MalformedResponseError(`${what}: no transaction list`);
  const parsed = txs.map((t, i) => {
    if (!isObject(t)) throw new MalformedResponseError(`${what}: transaction ${i} is not an object (full transactions expected)`);
    const input = typeof t.input === 'string' ? t.input : typeof t.data === 'string' ? t.data : '0x';
    return {
      hash: reqHash(t, 'hash', what),
      from: reqAddress(t, 'from', what),
      to: optAddress(t.to),
      selector: HEX.test(input) && input.length >= 10 ? input.slice(0, 10).toLowerCase() : undefined,
    };
  });
  const receipts = await receiptsOf(book, height, blockHash, parsed.map((t) => t.hash));
  const transactions: TxActivity[] = parsed.map((t, i) => {
    const r = receipts[i];
    return {
      hash: t.hash,
      from: t.from,
      to: t.to,
      selector: t.selector,
      createdContract: t.to === undefined ? r.contractAddress : undefined,
      success: r.status,
      gasUsed: r.gasUsed,
      logs: r.logs,
    };
  });
  return { height, hash: blockHash, time, transactions };
}

/** Code and balance of an account at the latest block. */
export async function accountState(book: MethodBook, address: string): Promise<AccountState> {
  if (!ADDRESS.test(address)) throw new RangeError(`accountState: ${address} is not an address`);
  const [code, balance] = await Promise.all([
    book.call('eth_getCode', [address, 'latest']),
    book.call('eth_getBalance', [address, 'latest']),
  ]);
  if (typeof code !== 'string' || !HEX.test(code)) throw new MalformedResponseError(`eth_getCode(${address}): not hex data`);
  const b = quantity(balance);
  if (b === undefined) throw new MalformedResponseError(`eth_getBalance(${address}): not a hex quantity`);
  return { code: code.toLowerCase(), balance: b };
}

/** Code of an account at a height (archive state for old heights: a pruned node rejects them). */
export async function codeAt(book: MethodBook, address: string, height: number): Promise<string> {
  if (!ADDRESS.test(address) || !Number.isSafeInteger(height) || height < 0) throw new RangeError(`codeAt(${address}, ${height}): bad address or height`);
  const code = await book.call('eth_getCode', [address, hex(height)]);
  if (typeof code !== 'string' || !HEX.test(code)) throw new MalformedResponseError(`eth_getCode(${address}, ${height}): not hex data`);
  return code.toLowerCase();
}

/** Logs of one contract and event over a bounded range, in chain order. */
export async function eventLogs(book: MethodBook, q: LogQuery): Promise<FoundLog[]> {
  if (!ADDRESS.test(q.address) || !HASH.test(q.topic0)) throw new RangeError('eventLogs: bad address or topic');
  if (!Number.isSafeInteger(q.fromBlock) || !Number.isSafeInteger(q.toBlock) || q.fromBlock < 0 || q.toBlock < q.fromBlock || q.toBlock - q.fromBlock >= MAX_LOG_RANGE) {
    throw new RangeError(`eventLogs(${q.fromBlock}, ${q.toBlock}): need 0 <= from <= to and to - from < ${MAX_LOG_RANGE}`);
  }
  const raw = await book.call('eth_getLogs', [{ address: q.address, topics: [q.topic0], fromBlock: hex(q.fromBlock), toBlock: hex(q.toBlock) }]);
  if (!Array.isArray(raw)) throw new MalformedResponseError('eth_getLogs: not a list');
  const out: FoundLog[] = [];
  for (const l of raw) {
    const x = logOf(l, 'eth_getLogs');
    if (x.raw.removed === true) continue;
    out.push({
      address: x.address, topics: x.topics,
      blockNumber: reqSafe(x.raw, 'blockNumber', 'eth_getLogs'),
      blockHash: reqHash(x.raw, 'blockHash', 'eth_getLogs'),
      txHash: reqHash(x.raw, 'transactionHash', 'eth_getLogs'),
    });
  }
  return out;
}
