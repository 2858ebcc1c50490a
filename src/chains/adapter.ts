/**
 * The one interface every chain family implements. The collector (src/collector) drives adapters;
 * adapters never touch the instance tree. Values are keyed by the model's attribute names
 * (src/model), so the collector can write them without knowing the platform.
 * A value that is undefined (or a key that is missing) is absent: the platform does not report it.
 */
import type { NotSupportedError } from './errors';

export type Scalar = string | number | bigint | boolean;
export type Values = Record<string, Scalar | undefined>;

/** A block as the collector needs it for ledger, consensus and performance accounting. */
export interface BlockSummary {
  readonly height: number;
  readonly hash: string;
  readonly parentHash: string;
  /** Block timestamp, seconds since the epoch. */
  readonly time: number;
  /** Transactions in the block, not counting the coinbase (Bitcoin family): the transactions users sent. */
  readonly txCount: number;
  /** Producer (miner / signer / coinbase payout), where known. */
  readonly producer?: string;
  readonly difficulty?: string;
  /** Validator whose turn this block took, where the consensus has turns (Clique out-of-turn block): it missed its slot. */
  readonly missedTurn?: string;
}

export type TipStatus = 'active' | 'validFork' | 'validHeaders' | 'headersOnly' | 'invalid' | 'unknown';

export interface ChainTipObservation {
  readonly height: number;
  readonly hash: string;
  readonly branchLength: number;
  readonly status: TipStatus;
}

/** Everything one poll of one node learnt. Constant work per poll: never a history scan. */
export interface NodeObservation {
  /** Attributes of class node (clientVersion, protocolVersion, networkId, uptime, height, syncing, peerCount, ...). */
  readonly node: Values;
  /** Attributes of class peer, in the node's order (index is assigned by the collector). */
  readonly peers: readonly Values[];
  /** Attributes of class txPool, when the platform has a pool API. */
  readonly txPool?: Values;
  /** Attributes of class network reported by the node (chainId, consensusAlgorithm). */
  readonly network: Values;
  /** The node's best block. */
  readonly head: BlockSummary;
  /** Ledger attributes the node reports beyond its head (bestKnownHeight, totalTransactions, sizeOnDisk, difficulty). */
  readonly ledger: Values;
  /** Chain tips, where the platform reports them (getchaintips). */
  readonly tips?: readonly ChainTipObservation[];
  /** The validator set, where the platform exposes it (Clique signers, QBFT validators). */
  readonly validators?: { readonly type: 'validator' | 'sealer' | 'miner'; readonly ids: readonly string[] };
  /** Attributes of class consensus the node reports (networkHashRate, committedHeight, ...). */
  readonly consensus?: Values;
  /** Whether the platform lets the bridge set the node's log level. */
  readonly logControlSupported: boolean;
}

export interface AdapterStats {
  /** RPC calls made and failed since the adapter was created. */
  readonly calls: number;
  readonly errors: number;
  /** Round-trip time of the last call, milliseconds. */
  readonly lastLatencyMs: number;
  /** HTTP requests sent (a JSON-RPC batch is one) and TCP connections opened, where the transport counts them. */
  readonly requests?: number;
  readonly connections?: number;
}

/** A log record of a receipt: the emitting contract and its topics (topics[0]: the event signature hash). */
export interface EventLog {
  /** Emitting contract, lower-case "0x" + 40 hex digits. */
  readonly address: string;
  /** Lower-case "0x" + 64 hex digits each. */
  readonly topics: readonly string[];
}

/** One transaction of a block with what its receipt says (Ethereum family). */
export interface TxActivity {
  readonly hash: string;
  /** Sender, lower-case. */
  readonly from: string;
  /** Recipient, lower-case; absent for a contract creation. */
  readonly to?: string;
  /** First four octets of the input ("0x" + 8 hex digits); absent when the input is shorter. */
  readonly selector?: string;
  /** Address of the contract a creation made (the receipt's contractAddress), lower-case. */
  readonly createdContract?: string;
  /** Receipt status: true success, false reverted; absent when the receipt has none (before Byzantium). */
  readonly success?: boolean;
  readonly gasUsed: bigint;
  readonly logs: readonly EventLog[];
}

/** The transactions of one block with their receipts, in block order. */
export interface BlockActivity {
  readonly height: number;
  readonly hash: string;
  /** Block timestamp, seconds since the epoch. */
  readonly time: number;
  readonly transactions: readonly TxActivity[];
}

/** What an account holds at the node's latest block. */
export interface AccountState {
  /** Deployed code, "0x" + hex ("0x" alone: no code). */
  readonly code: string;
  /** Balance in wei. */
  readonly balance: bigint;
}

/** An eth_getLogs query: one contract, topics[0] and the height range (to - from < 10000). */
export interface LogQuery {
  readonly address: string;
  readonly topic0: string;
  readonly fromBlock: number;
  readonly toBlock: number;
}

/** A log found by a LogQuery, with where it is. */
export interface FoundLog extends EventLog {
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly txHash: string;
}

export type NodeActionName = 'addPeer' | 'removePeer' | 'setNetworkActive' | 'startBlockProduction' | 'stopBlockProduction' | 'setLogLevel';

export interface ChainAdapter {
  readonly platform: 'ethereum' | 'bitcoin';
  /** Reads the node's current state. Rejects with a typed error from ./errors when the node fails. */
  poll(): Promise<NodeObservation>;
  /** Blocks from..to inclusive (to - from < 64), in height order; for per-block accounting and reorg checks. */
  blocks(from: number, to: number): Promise<BlockSummary[]>;
  /**
   * Optional, for platforms whose block summaries carry no producer (Bitcoin family: it is in the coinbase
   * transaction, not the header): the producer of block b, undefined when it has none. Called once per new
   * block of a network by the ledger's tracker, never for history.
   */
  blockProducer?(b: BlockSummary): Promise<string | undefined>;
  /** Subscribes to new heads where the node supports it (WebSocket newHeads); returns an unsubscribe function. */
  subscribeHeads?(onHead: (b: BlockSummary) => void, onError: (e: Error) => void): () => void;
  /**
   * Runs a node action of the model. Rejects with NotSupportedError when the platform has no API for it,
   * with an RpcError when the node refuses.
   */
  action(name: NodeActionName, input: Readonly<Record<string, Scalar>>): Promise<void>;
  /**
   * Ethereum family, optional: the transactions of the block at height (the block with that hash when
   * given: rejects when the node's block there has another hash) with their receipts. Per new block only.
   */
  blockActivity?(height: number, hash?: string): Promise<BlockActivity>;
  /** Ethereum family, optional: code and balance of an account at the latest block. */
  accountState?(address: string): Promise<AccountState>;
  /** Ethereum family, optional: an account's code at a height ("0x": none); finding when a contract was deployed. */
  codeAt?(address: string, height: number): Promise<string>;
  /** Ethereum family, optional: logs of one contract and event in a bounded height range (gap catch-up). */
  eventLogs?(q: LogQuery): Promise<FoundLog[]>;
  stats(): AdapterStats;
  close(): Promise<void>;
}

export interface AdapterOptions {
  readonly endpoint: string;
  readonly wsEndpoint?: string;
  readonly username?: string;
  readonly password?: string;
  readonly cookieFile?: string;
  readonly timeoutMs: number;
}

export type AdapterFactory = (opts: AdapterOptions) => ChainAdapter;
export type { NotSupportedError };
