/**
 * Adapter of the Ethereum family: EIP-1474 JSON-RPC 2.0 over HTTP(S) or WebSocket, for geth, Besu,
 * Nethermind, Erigon, Reth and the development chains Hardhat, Ganache and Anvil (and the embedded
 * dev chain of src/devchain). See poll.ts for what a poll asks, actions.ts for the node actions.
 */
import type {
  AccountState, AdapterFactory, AdapterOptions, AdapterStats, BlockActivity, BlockSummary, ChainAdapter, FoundLog, LogQuery, NodeActionName,
  NodeObservation, Scalar,
} from '../adapter';
import { MalformedResponseError } from '../errors';
import { RpcHttpClient } from '../rpc-http';
import { runAction } from './actions';
import { RpcWsClient } from './client-ws';
import { blockSummary, producerOf } from './codec';
import { subscribeNewHeads } from './heads';
import { MethodBook, RpcTransport } from './methods';
import { PollState, pollNode } from './poll';
import { accountState, blockActivity, codeAt, eventLogs } from './receipts';

/** Largest range blocks() accepts (the interface's "to - from < 64"). */
const MAX_BLOCKS = 64;

function isWs(url: string): boolean {
  return /^wss?:\/\//i.test(url);
}

export class EthereumAdapter implements ChainAdapter {
  readonly platform = 'ethereum' as const;
  private readonly rpc: RpcTransport;
  private readonly state: PollState;
  private readonly unsubscribers = new Set<() => void>();
  /** newHeads over wsEndpoint, or over the endpoint itself when it is a WebSocket URL; absent without either. */
  readonly subscribeHeads?: (onHead: (b: BlockSummary) => void, onError: (e: Error) => void) => () => void;

  constructor(private readonly opts: AdapterOptions) {
    const wsUrl = opts.wsEndpoint ?? (isWs(opts.endpoint) ? opts.endpoint : undefined);
    if (wsUrl !== undefined) this.subscribeHeads = (onHead, onError) => this.subscribe(wsUrl, onHead, onError);
    this.rpc = isWs(opts.endpoint)
      ? new RpcWsClient({ url: opts.endpoint, timeoutMs: opts.timeoutMs, username: opts.username, password: opts.password })
      : new RpcHttpClient({ url: opts.endpoint, timeoutMs: opts.timeoutMs, username: opts.username, password: opts.password, jsonrpc: '2.0', autoBatch: true });
    this.state = { book: new MethodBook(this.rpc) };
  }

  /** Methods found missing on the node so far (for diagnostics and tests). */
  missingMethods(): string[] { return this.state.book.missingMethods(); }

  poll(): Promise<NodeObservation> {
    return pollNode(this.state);
  }

  /**
   * Blocks from..to, one eth_getBlockByNumber each, sent together. Blocks past the node's head are not
   * returned: the answer ends at the first height the node does not have.
   */
  async blocks(from: number, to: number): Promise<BlockSummary[]> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from || to - from >= MAX_BLOCKS) {
      throw new RangeError(`blocks(${from}, ${to}): need 0 <= from <= to and to - from < ${MAX_BLOCKS}`);
    }
    const book = this.state.book;
    const heights = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const raw = await Promise.all(heights.map((h) => book.call('eth_getBlockByNumber', ['0x' + h.toString(16), false])));
    const out: BlockSummary[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === null) break;
      const b = blockSummary(raw[i], `eth_getBlockByNumber(${heights[i]})`);
      if (b.height !== heights[i]) throw new MalformedResponseError(`eth_getBlockByNumber(${heights[i]}): answered block ${b.height}`);
      out.push(b);
    }
    // Clique blocks whose seal did not give the signer: ask the node where it can tell (geth clique_getSigner).
    if (this.state.algorithm === 'clique' && !book.isMissing('clique_getSigner') && out.some((b) => b.producer === undefined)) {
      const signers = await Promise.all(out.map((b) => (b.producer === undefined ? book.optional('clique_getSigner', [b.hash]) : undefined)));
      return out.map((b, i) => {
        const s = producerOf(signers[i]);
        return this.cliqueTurn(s === undefined ? b : { ...b, producer: s });
      });
    }
    return out.map((b) => this.cliqueTurn(b));
  }

  /** On a Clique chain, a block with the signer whose slot it took (clique.ts); other blocks as they are. */
  private cliqueTurn(b: BlockSummary): BlockSummary {
    return this.state.algorithm === 'clique' && this.state.clique ? this.state.clique.annotate(b) : b;
  }

  private subscribe(url: string, onHead: (b: BlockSummary) => void, onError: (e: Error) => void): () => void {
    const stop = subscribeNewHeads({ url, timeoutMs: this.opts.timeoutMs, username: this.opts.username, password: this.opts.password },
      (b) => onHead(this.cliqueTurn(b)), (e) => { this.unsubscribers.delete(stop); onError(e); });
    this.unsubscribers.add(stop);
    return () => { this.unsubscribers.delete(stop); stop(); };
  }

  /** A block's transactions with their receipts (contract and cross-chain management); see receipts.ts. */
  blockActivity(height: number, hash?: string): Promise<BlockActivity> {
    return blockActivity(this.state.book, height, hash);
  }

  accountState(address: string): Promise<AccountState> {
    return accountState(this.state.book, address);
  }

  codeAt(address: string, height: number): Promise<string> {
    return codeAt(this.state.book, address, height);
  }

  eventLogs(q: LogQuery): Promise<FoundLog[]> {
    return eventLogs(this.state.book, q);
  }

  action(name: NodeActionName, input: Readonly<Record<string, Scalar>>): Promise<void> {
    return runAction(this.state.book, this.state.kind ?? 'unknown', name, input);
  }

  stats(): AdapterStats {
    const s = this.rpc.stats;
    return { calls: s.calls, errors: s.errors, lastLatencyMs: s.lastLatencyMs, requests: s.requests, connections: s.connections };
  }

  async close(): Promise<void> {
    for (const stop of [...this.unsubscribers]) stop();
    this.unsubscribers.clear();
    this.rpc.close();
  }
}

export const createAdapter: AdapterFactory = (opts) => new EthereumAdapter(opts);
