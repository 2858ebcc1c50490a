/** Typed errors of chain access: what went wrong talking to a node. */
import { MAX_DATE_MS } from '../model/scalar/base';

/** The node could not be reached or did not answer in time (connection refused/reset, timeout). */
export class TransportError extends Error {
  override readonly name = 'TransportError';
}

/** The node answered with a non-2xx HTTP status and no JSON-RPC error object. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(readonly status: number, message: string) { super(message); }
}

/** The answer was not a JSON-RPC response. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

/**
 * The latest block time (seconds since the epoch) a node may report: the last second Date can hold (year 275760).
 * A later one cannot be a time on any chain; the answer is malformed (it would make every rendering of the time fail).
 */
export const MAX_BLOCK_TIME_S = MAX_DATE_MS / 1000;

/** A block time (seconds) checked against MAX_BLOCK_TIME_S. */
export function blockTime(seconds: number, what: string): number {
  if (seconds > MAX_BLOCK_TIME_S) throw new MalformedResponseError(`${what}: block time ${seconds} is beyond the year 275760`);
  return seconds;
}

/** A JSON-RPC error object returned by the node. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(readonly code: number, message: string, readonly method: string) { super(`${method}: ${message} (${code})`); }
  /** -32601 method not found; -32004 method not supported (EIP-1474); Bitcoin Core uses -32601 as well. */
  get methodMissing(): boolean { return this.code === -32601 || this.code === -32004; }
}

/** A node action the platform has no API for (NETCONF operation-not-supported, SNMP noAccess/genErr). */
export class NotSupportedError extends Error {
  override readonly name = 'NotSupportedError';
}
