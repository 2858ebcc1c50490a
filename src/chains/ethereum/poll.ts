/**
 * One poll of an EIP-1474 node: a fixed set of calls sent together, whatever the chain length
 * (never a history scan). The client family, learnt from web3_clientVersion at the first poll,
 * selects a few family-specific calls:
 *
 *   every node   web3_clientVersion, eth_chainId, net_version, eth_getBlockByNumber(latest),
 *                eth_syncing, net_peerCount, net_listening, eth_gasPrice, eth_mining, eth_hashrate,
 *                admin_peers, admin_nodeInfo, eth_protocolVersion,
 *                txpool_status (Besu: txpool_besuStatistics)                                     14
 *   hardhat / anvil                     + hardhat_getAutomine / anvil_getAutomine                  1
 *   not a dev chain                     + clique_getSigners, qbft_getValidatorsByBlockNumber,
 *                                         ibft_getValidatorsByBlockNumber                             3
 *   proof of stake, or not known yet    + eth_getBlockByNumber(finalized)                           1
 *   Clique (seen at the previous poll)  + clique_getSigner(head hash), only when the seal does not  1
 *                                         give the signer (clique-seal.ts)
 *   Clique without clique_getSigners    + eth_getBlockByNumber(checkpoint), once per epoch (clique.ts)
 *
 * Methods the node lacks are remembered (MethodBook) and not called again, so after the first poll a
 * node is sent only what it answers. The answers that cannot change while the node runs (FIXED:
 * web3_clientVersion, eth_chainId, net_version, eth_protocolVersion, admin_nodeInfo) are asked again
 * only after the transport opened a new connection or saw an error (MethodBook.mark: a node restarted,
 * or another client behind the endpoint): e.g. 8 calls per poll on the embedded dev chain while its
 * connection is kept (11 when they are asked), 12 on a geth Clique sealer with the admin and txpool APIs.
 * Over HTTP the calls of a poll go out as one JSON-RPC batch (rpc-http.ts): one request per poll.
 * Only eth_getBlockByNumber(latest) (and web3_clientVersion at the first poll) fail the poll; any
 * other call that fails makes its attributes absent.
 */
import type { BlockSummary, NodeObservation, Values } from '../adapter';
import { MalformedResponseError, RpcError } from '../errors';
import {
  addressList, blockSummary, compact, decimal, isObject, num, optBool, optQuantity, optString, peerValues, producerOf, quantity,
} from './codec';
import { CliqueSigners, DEFAULT_EPOCH, checkpointOf, checkpointSigners } from './clique';
import { looksClique } from './clique-seal';
import { ClientKind, MethodBook, clientKind, isDevChain, isMethodMissing } from './methods';

export interface PollState {
  readonly book: MethodBook;
  /** Client family, learnt at the first poll and refreshed at each. */
  kind?: ClientKind;
  /** Consensus algorithm seen at the last poll. */
  algorithm?: string;
  /** Clique signer set, once the chain is seen to be Clique. */
  clique?: CliqueSigners;
  /** The FIXED answers of the last poll that asked them, and the transport's mark after that poll. */
  fixed?: { readonly mark: number; readonly answers: readonly unknown[] };
}

/** Calls whose answer cannot change while the node runs: asked after a reconnection or an error only. */
const FIXED = ['web3_clientVersion', 'eth_chainId', 'net_version', 'admin_nodeInfo', 'eth_protocolVersion'] as const;

/** web3_clientVersion at the first poll: transport failures fail the poll, an RPC error leaves it unknown. */
async function firstClientVersion(book: MethodBook): Promise<string | undefined> {
  try {
    return optString(await book.call('web3_clientVersion'));
  } catch (e) {
    if (!(e instanceof RpcError)) throw e;
    if (isMethodMissing(e)) book.markMissing('web3_clientVersion');
    return undefined;
  }
}

/** The node's P2P protocol: admin_nodeInfo protocols.eth.version, else eth_protocolVersion; as "eth/68". */
function protocolVersion(nodeInfo: unknown, ethProtocol: unknown): string | undefined {
  if (isObject(nodeInfo) && isObject(nodeInfo.protocols) && isObject(nodeInfo.protocols.eth)) {
    const v = nodeInfo.protocols.eth.version;
    if (typeof v === 'number') return `eth/${v}`;
  }
  const q = quantity(ethProtocol);
  if (q !== undefined) return `eth/${q.toString(10)}`;
  return typeof ethProtocol === 'string' && /^\d+$/.test(ethProtocol) ? `eth/${ethProtocol}` : undefined;
}

/** Peer limit, where the client reports one in admin_nodeInfo (few do). */
function peerLimit(nodeInfo: unknown): number | undefined {
  if (!isObject(nodeInfo)) return undefined;
  for (const k of ['maxPeers', 'maxpeers', 'MaxPeers', 'peerLimit']) {
    const v = nodeInfo[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  }
  return undefined;
}

function txPoolValues(kind: ClientKind, raw: unknown): Values | undefined {
  if (!isObject(raw)) return undefined;
  if (kind === 'besu') {
    // txpool_besuStatistics: {maxSize, localCount, remoteCount}; Besu keeps no queue of nonce gaps apart.
    const local = quantity(raw.localCount) ?? (typeof raw.localCount === 'number' ? BigInt(raw.localCount) : undefined);
    const remote = quantity(raw.remoteCount) ?? (typeof raw.remoteCount === 'number' ? BigInt(raw.remoteCount) : undefined);
    if (local === undefined && remote === undefined) return undefined;
    return { pending: num((local ?? 0n) + (remote ?? 0n)) };
  }
  const pending = optQuantity(raw.pending);
  const queued = optQuantity(raw.queued);
  if (pending === undefined && queued === undefined) return undefined;
  return compact({ pending, queued });
}

interface ConsensusView {
  algorithm?: string;
  validators?: NodeObservation['validators'];
  committedHeight?: number | bigint;
}

function consensusView(kind: ClientKind, head: BlockSummary, c: { clique: unknown; cliqueHead: boolean; qbft: unknown; ibft: unknown; finalized: unknown }): ConsensusView {
  if (isDevChain(kind)) return { algorithm: 'instant-seal' };
  const qbft = addressList(c.qbft);
  if (qbft && qbft.length > 0) return { algorithm: 'qbft', validators: { type: 'validator', ids: qbft }, committedHeight: head.height };
  const ibft = addressList(c.ibft);
  if (ibft && ibft.length > 0) return { algorithm: 'ibft2', validators: { type: 'validator', ids: ibft }, committedHeight: head.height };
  const difficulty = head.difficulty === undefined ? undefined : BigInt(head.difficulty);
  const finalized = isObject(c.finalized) ? optQuantity(c.finalized.number) : undefined;
  const clique = addressList(c.clique);
  // A chain that was Clique before the merge still answers clique_getSigners; its blocks have difficulty 0.
  if (clique && clique.length > 0 && difficulty !== undefined && difficulty > 0n) {
    return { algorithm: 'clique', validators: { type: 'sealer', ids: clique } };
  }
  // No clique_getSigners (ethereumjs): a sealed Clique header says it; the set comes from the checkpoint.
  if (c.cliqueHead) return { algorithm: 'clique' };
  if (difficulty === undefined) return { committedHeight: finalized };
  // Difficulty 0 without a BFT validator set: proof of stake (post-merge, consensus client driven).
  return { algorithm: difficulty > 0n ? 'pow' : 'pos', committedHeight: finalized };
}

/**
 * The signer set from the extraData of the checkpoint at or below height, read once per checkpoint; block 0
 * when that block lists none (a chain whose epoch is not the default). A failed read is retried next poll.
 */
async function readCheckpoint(b: MethodBook, set: CliqueSigners, height: number): Promise<void> {
  const at = checkpointOf(height, DEFAULT_EPOCH);
  if (set.checkpoint === at) return;
  let answered = 0;
  for (const h of at === 0 ? [0] : [at, 0]) {
    const raw = await b.optional('eth_getBlockByNumber', ['0x' + h.toString(16), false], 'eth_getBlockByNumber(checkpoint)');
    if (isObject(raw)) answered++;
    const signers = isObject(raw) && typeof raw.extraData === 'string' ? checkpointSigners(raw.extraData) : undefined;
    if (signers) { set.fromCheckpoint(at, signers); return; }
  }
  // Answered but listing no signers: the set is the signers seen sealing; not asked again this epoch.
  if (answered === (at === 0 ? 1 : 2)) set.fromCheckpoint(at, []);
}

export async function pollNode(st: PollState): Promise<NodeObservation> {
  const b = st.book;
  let versionP: Promise<string | undefined> | undefined;
  if (st.kind === undefined) {
    const v = await firstClientVersion(b);
    st.kind = clientKind(v);
    versionP = Promise.resolve(v);
  }
  // The fixed answers of the previous poll, while the transport has kept its connection and seen no error.
  const firstVersion = versionP;
  const reuse = firstVersion === undefined && st.fixed !== undefined && st.fixed.mark === b.mark() ? st.fixed.answers : undefined;
  const fixedP: Promise<readonly unknown[]> = reuse ? Promise.resolve(reuse)
    : Promise.all(FIXED.map((m) => (m === 'web3_clientVersion' && firstVersion !== undefined ? firstVersion : b.optional(m))));
  versionP ??= fixedP.then((a) => optString(a[0]));
  const kind = st.kind;
  const dev = isDevChain(kind);
  const none = Promise.resolve(undefined);

  let cliqueHead = false;
  const headP = b.call('eth_getBlockByNumber', ['latest', false]).then((r) => {
    if (r === null) throw new MalformedResponseError('eth_getBlockByNumber(latest): node has no latest block');
    const summary = blockSummary(r, 'eth_getBlockByNumber(latest)');
    // Sealed, or the unsealed genesis listing the signers.
    cliqueHead = looksClique(r) && (summary.producer !== undefined || (summary.height === 0 && checkpointSigners(String(r.extraData)) !== undefined));
    return summary;
  });
  const signerP = st.algorithm === 'clique' && !b.isMissing('clique_getSigner')
    ? headP.then((h) => (h.producer === undefined ? b.optional('clique_getSigner', [h.hash]) : undefined), () => undefined)
    : none;
  // The finalized block: on proof-of-stake chains (and until the algorithm is known); other chains refuse it.
  const askFinalized = !dev && (st.algorithm === undefined || st.algorithm === 'pos');
  const automineMethod = kind === 'hardhat' ? 'hardhat_getAutomine' : kind === 'anvil' ? 'anvil_getAutomine' : undefined;

  const [
    version, fixed, head, syncing, peerCount, listening, gasPrice, mining, hashRate,
    peers, pool, automine, clique, qbft, ibft, finalized, signer,
  ] = await Promise.all([
    versionP,
    fixedP,
    headP,
    b.optional('eth_syncing'),
    b.optional('net_peerCount'),
    b.optional('net_listening'),
    b.optional('eth_gasPrice'),
    b.optional('eth_mining'),
    b.optional('eth_hashrate'),
    b.optional('admin_peers'),
    b.optional(kind === 'besu' ? 'txpool_besuStatistics' : 'txpool_status'),
    automineMethod ? b.optional(automineMethod) : none,
    dev ? none : b.optional('clique_getSigners'),
    dev ? none : b.optional('qbft_getValidatorsByBlockNumber', ['latest']),
    dev ? none : b.optional('ibft_getValidatorsByBlockNumber', ['latest']),
    askFinalized ? b.optional('eth_getBlockByNumber', ['finalized', false], 'eth_getBlockByNumber(finalized)') : none,
    signerP,
  ]);

  const [, chainId, netVersion, nodeInfo, ethProtocol] = fixed;
  if (!reuse) st.fixed = { mark: b.mark(), answers: fixed };
  // A different client may have been started behind the same endpoint: use its family from the next poll.
  if (version !== undefined) st.kind = clientKind(version);
  const signerAddr = producerOf(signer);
  let headOut: BlockSummary = signerAddr !== undefined ? { ...head, producer: signerAddr } : head;

  const peerList = Array.isArray(peers) ? peers.map(peerValues) : [];
  const chainIdQ = quantity(chainId);
  // Some Nethermind versions answer an object with isSyncing: false instead of false.
  const sync = isObject(syncing) && syncing.isSyncing !== false ? syncing : undefined;
  const highest = sync ? quantity(sync.highestBlock) : undefined;
  const bestKnown = highest !== undefined && highest > BigInt(head.height) ? num(highest) : head.height;
  const miningB = optBool(mining);
  const automineB = optBool(automine);
  const cons = consensusView(kind, headOut, { clique, cliqueHead, qbft, ibft, finalized });
  st.algorithm = cons.algorithm;
  if (cons.algorithm === 'clique') {
    const set = st.clique ?? (st.clique = new CliqueSigners());
    if (cons.validators) set.reported(cons.validators.ids);
    else await readCheckpoint(b, set, headOut.height);
    headOut = set.annotate(headOut);
    cons.validators = { type: 'sealer', ids: set.ids };
  }

  const logControlSupported = (kind === 'besu' && !b.isMissing('admin_changeLogLevel'))
    || (kind === 'geth' && !b.isMissing('debug_verbosity'));

  return {
    node: compact({
      clientVersion: version,
      protocolVersion: protocolVersion(nodeInfo, ethProtocol),
      networkId: typeof netVersion === 'string' && netVersion.length > 0 ? netVersion : undefined,
      height: head.height,
      syncing: sync !== undefined ? true : syncing === false || isObject(syncing) ? false : undefined,
      peerCount: optQuantity(peerCount) ?? (Array.isArray(peers) ? peers.length : undefined),
      peerLimit: peerLimit(nodeInfo),
      networkActive: optBool(listening),
      // Hardhat and Anvil answer eth_mining false while they automine: production is either.
      blockProduction: miningB === undefined && automineB === undefined ? undefined : miningB === true || automineB === true,
      hashRate: optQuantity(hashRate),
      gasPrice: decimal(gasPrice),
    }),
    peers: peerList,
    txPool: txPoolValues(kind, pool),
    network: compact({
      chainId: chainIdQ === undefined ? undefined : chainIdQ.toString(10),
      consensusAlgorithm: cons.algorithm,
    }),
    head: headOut,
    ledger: compact({ bestKnownHeight: bestKnown, difficulty: head.difficulty }),
    validators: cons.validators,
    consensus: compact({ committedHeight: cons.committedHeight }),
    logControlSupported,
  };
}
