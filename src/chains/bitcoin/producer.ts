/**
 * The producer of a Bitcoin-family block: who the coinbase transaction pays. The header does not say, so
 * the producer costs two calls per new block:
 *   getblock HASH 1                      → tx[0], the coinbase's txid (the block's txid list, not its transactions)
 *   getrawtransaction TXID true HASH     → the decoded coinbase (works without -txindex since the block is named)
 * A node that refuses getrawtransaction for it (the genesis coinbase; a pruned block) is asked for the
 * decoded block instead (getblock HASH 2, large on a busy chain: only then).
 *
 * The identity (validator id, at most 64 characters: it is an SNMP table index) is:
 *   - the address of the first output that has one (scriptPubKey.address, or the one entry of the older
 *     scriptPubKey.addresses), e.g. "rltc1q..." on Litecoin regtest;
 *   - otherwise the output script of the first output that is not OP_RETURN (the witness commitment is
 *     one), in lower-case hex when it has at most 64 digits, else "sha256:" and the first 56 hex digits of
 *     the script's SHA-256 (a pay-to-public-key script is 134 digits);
 *   - none when the coinbase has no output script at all.
 */
import { createHash } from 'node:crypto';
import { MalformedResponseError, RpcError } from '../errors';
import { asArray, asObject, isObject } from './json';
import type { JsonObject } from './json';
import type { BitcoinRpc } from './rpc';

/** Longest producer identity: the model's validator id is text(64). */
export const MAX_PRODUCER_ID = 64;
const OP_RETURN = '6a';

/** Identity of a script without an address (see the header). */
export function scriptIdentity(hex: string): string {
  const h = hex.toLowerCase();
  if (h.length <= MAX_PRODUCER_ID) return h;
  return `sha256:${createHash('sha256').update(Buffer.from(h, 'hex')).digest('hex').slice(0, MAX_PRODUCER_ID - 8)}`;
}

function outputAddress(spk: JsonObject): string | undefined {
  if (typeof spk.address === 'string' && spk.address !== '') return spk.address;
  const list = spk.addresses;
  if (Array.isArray(list) && list.length === 1 && typeof list[0] === 'string' && list[0] !== '') return list[0];
  return undefined;
}

/** The producer identity of a decoded coinbase transaction (getrawtransaction verbose, or getblock 2's tx[0]). */
export function coinbaseProducer(tx: unknown): string | undefined {
  const t = asObject(tx, 'coinbase transaction');
  const outputs = asArray(t.vout ?? [], 'coinbase transaction.vout')
    .map((o) => asObject(o, 'coinbase transaction.vout[]').scriptPubKey)
    .filter(isObject);
  for (const spk of outputs) {
    const a = outputAddress(spk);
    if (a !== undefined && a.length <= MAX_PRODUCER_ID) return a;
  }
  const scripts = outputs.map((spk) => spk.hex).filter((h): h is string => typeof h === 'string' && /^([0-9a-fA-F]{2})+$/.test(h));
  const script = scripts.find((h) => !h.toLowerCase().startsWith(OP_RETURN)) ?? scripts[0];
  return script === undefined ? undefined : scriptIdentity(script);
}

/** Reads the producer of the block with this hash (calls inside the caller's session). */
export async function blockProducer(rpc: BitcoinRpc, hash: string): Promise<string | undefined> {
  const block = asObject(await rpc.call('getblock', [hash, 1]), 'getblock');
  const [coinbase] = asArray(block.tx, 'getblock.tx');
  if (typeof coinbase !== 'string') throw new MalformedResponseError('getblock.tx[0]: expected a txid');
  if (!rpc.isMissing('getrawtransaction')) {
    try {
      return coinbaseProducer(await rpc.call('getrawtransaction', [coinbase, true, hash]));
    } catch (e) {
      if (!(e instanceof RpcError)) throw e;
    }
  }
  try {
    const full = asObject(await rpc.call('getblock', [hash, 2]), 'getblock');
    return coinbaseProducer(asArray(full.tx, 'getblock.tx')[0]);
  } catch (e) {
    // The node cannot give the block's transactions at all: the producer stays absent.
    if (e instanceof RpcError) return undefined;
    throw e;
  }
}
