/**
 * One poll of a Bitcoin Core / Litecoin Core node: a fixed set of calls, whatever the chain length.
 * All calls go out at once, as one JSON-RPC batch (rpc.ts):
 *   getblockchaininfo, getnetworkinfo, getpeerinfo, getmempoolinfo, getchaintips,
 *   getmininginfo (or getnetworkhashps on nodes without it), getnettotals, uptime, getchaintxstats  → 9 calls,
 * then getblockheader(bestblockhash) when the head is a block the network's collector does not hold yet
 * (KnownBlocks: another node of the network reported it, or the ledger's tracker fetched it): one more
 * call and request per new block and network, not per node. Nothing here can be skipped between polls:
 * getnetworkinfo carries the client version and the dynamic networkactive/connections alike.
 * A method the node lacks is remembered by BitcoinRpc and skipped: its attributes are absent.
 * Only getblockchaininfo and getblockheader are needed: their failure fails the poll (the node is
 * unreachable); any other call that fails (even by a timeout) only makes its attributes absent.
 */
import type { BlockSummary, KnownBlocks, NodeObservation } from '../adapter';
import { consensusValues, headerToSummary, ledgerValues, networkValues, nodeValues, peerValues, tipObservations, txPoolValues } from './convert';
import { JsonObject, asArray, asObject, isObject, reqHash } from './json';
import { settleAll, type BitcoinRpc } from './rpc';

function optObject(v: unknown, what: string): JsonObject | undefined {
  return v === undefined ? undefined : asObject(v, what);
}

/** getmininginfo, falling back to getnetworkhashps on nodes that lack it. */
async function mining(rpc: BitcoinRpc): Promise<{ info?: JsonObject; hashps?: unknown }> {
  if (!rpc.isMissing('getmininginfo')) {
    const info = await rpc.optional('getmininginfo');
    if (info !== undefined) return { info: asObject(info, 'getmininginfo') };
    // It failed this time only: absent, no fallback.
    if (!rpc.isMissing('getmininginfo')) return {};
  }
  return { hashps: await rpc.optional('getnetworkhashps') };
}

export function pollNode(rpc: BitcoinRpc, known?: KnownBlocks): Promise<NodeObservation> {
  return rpc.session(() => pollCalls(rpc, known));
}

/** The head as getblockheader gives it, from the blocks the collector holds (without what trackers added). */
function knownHead(known: KnownBlocks | undefined, hash: string): BlockSummary | undefined {
  const b = known?.get(hash);
  if (!b) return undefined;
  const { height, parentHash, time, txCount, difficulty } = b;
  return { height, hash, parentHash, time, txCount, difficulty };
}

async function pollCalls(rpc: BitcoinRpc, known: KnownBlocks | undefined): Promise<NodeObservation> {
  const chainP = rpc.call('getblockchaininfo').then((r) => asObject(r, 'getblockchaininfo'));
  const headerP = chainP.then(async (c) => {
    const hash = reqHash(c, 'bestblockhash', 'getblockchaininfo');
    const fetch = (): Promise<BlockSummary> => rpc.call('getblockheader', [hash, true]).then(headerToSummary);
    const cached = knownHead(known, hash);
    if (cached || !known?.share) return cached ?? fetch();
    const b = await known.share(hash, fetch);
    return knownHead({ get: () => b }, hash)!;
  });
  const [chain, header, network, peers, mempool, tips, mine, totals, uptime, txStats] = await settleAll([
    chainP,
    headerP,
    rpc.optional('getnetworkinfo'),
    rpc.optional('getpeerinfo'),
    rpc.optional('getmempoolinfo'),
    rpc.optional('getchaintips'),
    mining(rpc),
    rpc.optional('getnettotals'),
    rpc.optional('uptime'),
    // Refused early in a regtest chain ("Invalid block count"): then the value is absent.
    rpc.optional('getchaintxstats'),
  ]);
  const peerList = peers === undefined ? [] : asArray(peers, 'getpeerinfo');
  const logMissing = rpc.isMissing('logging');
  return {
    node: nodeValues({
      chain,
      network: optObject(network, 'getnetworkinfo'),
      peerCount: peers === undefined ? undefined : peerList.length,
      uptime,
      netTotals: optObject(totals, 'getnettotals'),
      mining: mine.info,
    }),
    peers: peerList.map(peerValues),
    txPool: mempool === undefined ? undefined : txPoolValues(asObject(mempool, 'getmempoolinfo')),
    network: networkValues(chain),
    head: header,
    ledger: ledgerValues(chain, isObject(txStats) ? txStats : undefined),
    tips: tips === undefined ? undefined : tipObservations(tips),
    consensus: consensusValues(mine.info, mine.hashps),
    logControlSupported: !logMissing,
  };
}
