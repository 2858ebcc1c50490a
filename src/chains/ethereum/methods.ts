/**
 * The RPC transport of an Ethereum adapter and the memory of which methods its node lacks.
 * A method the node answered "method not found / not supported / not enabled" to is not called again:
 * its attributes are absent from then on.
 */
import { HttpStatusError, RpcError } from '../errors';
import type { RpcStats } from '../rpc-http';

/** JSON-RPC 2.0 over HTTP (RpcHttpClient) or WebSocket (RpcWsClient). */
export interface RpcTransport {
  call<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  readonly stats: RpcStats;
  close(): void;
}

export type ClientKind = 'geth' | 'besu' | 'nethermind' | 'erigon' | 'reth' | 'hardhat' | 'ganache' | 'anvil' | 'unknown';

/** The client family from web3_clientVersion, e.g. "Geth/v1.13.15-stable/linux-amd64/go1.22.1". */
export function clientKind(version: string | undefined): ClientKind {
  if (version === undefined) return 'unknown';
  const v = version.toLowerCase();
  if (v.includes('hardhat')) return 'hardhat';
  if (v.includes('ganache') || v.includes('testrpc')) return 'ganache';
  if (v.startsWith('anvil')) return 'anvil';
  if (v.includes('besu')) return 'besu';
  if (v.includes('nethermind')) return 'nethermind';
  if (v.includes('erigon')) return 'erigon';
  if (v.startsWith('reth')) return 'reth';
  if (v.startsWith('geth')) return 'geth';
  return 'unknown';
}

/** Development chains that seal a block on demand or on a timer, with no consensus among nodes. */
export function isDevChain(kind: ClientKind): boolean {
  return kind === 'hardhat' || kind === 'ganache' || kind === 'anvil';
}

const MISSING_TEXT = /\b(method|api|namespace)\b.*\b(not found|not supported|not available|does not exist|not enabled|not implemented|unsupported|unavailable)\b|\b(unknown|unsupported|unsupported rpc) method\b/i;

/**
 * Whether an error says the node has no such method: EIP-1474 -32601 / -32004, or a message to that
 * effect (Besu "Method not enabled", Erigon "the method x does not exist/is not available").
 */
export function isMethodMissing(e: unknown): boolean {
  if (e instanceof RpcError) return e.methodMissing || MISSING_TEXT.test(e.message);
  // Proxies that filter namespaces answer 404 / 405 / 501 without a JSON-RPC body.
  if (e instanceof HttpStatusError) return e.status === 404 || e.status === 405 || e.status === 501;
  return false;
}

/** The answer of an optional call known missing (shared: nothing is ever added to it). */
const NOTHING: Promise<undefined> = Promise.resolve(undefined);

export class MethodBook {
  private readonly missing = new Set<string>();

  constructor(readonly rpc: RpcTransport) {}

  isMissing(method: string): boolean { return this.missing.has(method); }

  markMissing(method: string): void { this.missing.add(method); }

  missingMethods(): string[] { return [...this.missing].sort(); }

  /**
   * Changes whenever the transport opens a new connection, loses one or a call fails: answers that cannot
   * change while the node runs are kept while it stays the same (poll.ts FIXED).
   */
  mark(): number { const s = this.rpc.stats; return (s.connections ?? 0) + (s.disconnections ?? 0) + s.errors; }

  /** A call whose failure fails the caller. */
  call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    return this.rpc.call<T>(method, params);
  }

  /**
   * A call whose failure only makes its values absent: undefined when the method is known missing
   * (not called), is found missing now (remembered), or fails in any other way (this time only).
   * `key` names what is remembered when it is not the method alone (a variant of a core method).
   */
  optional<T = unknown>(method: string, params: unknown[] = [], key = method): Promise<T | undefined> {
    // not an async function: a dozen of these per poll, a thousand nodes (one promise each, not three)
    if (this.missing.has(key)) return NOTHING;
    let answer: Promise<T>;
    try { answer = this.rpc.call<T>(method, params); } catch (e) { return Promise.resolve(this.failed(e, key)); }
    return answer.then(undefined, (e: unknown) => this.failed(e, key));
  }

  /** An optional call failed: remembered as missing when it is, absent this time anyway. */
  private failed(e: unknown, key: string): undefined {
    if (isMethodMissing(e)) this.missing.add(key);
    return undefined;
  }

  /**
   * A call for an action: undefined when the method is missing (remembered), the result otherwise;
   * any other failure rejects.
   */
  async ifPresent<T = unknown>(method: string, params: unknown[] = []): Promise<{ result: T } | undefined> {
    if (this.missing.has(method)) return undefined;
    try {
      return { result: await this.rpc.call<T>(method, params) };
    } catch (e) {
      if (isMethodMissing(e)) { this.missing.add(method); return undefined; }
      throw e;
    }
  }
}
