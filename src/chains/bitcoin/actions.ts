/**
 * Node actions of the model on Bitcoin Core / Litecoin Core (see the platforms of the node actions in
 * src/model/topology.ts):
 *   addPeer            → addnode ADDRESS onetry
 *   removePeer         → disconnectnode ADDRESS
 *   setNetworkActive   → setnetworkactive BOOL
 *   setLogLevel        → logging: all categories included at debug, all excluded otherwise
 *   start/stopBlockProduction → NotSupportedError: Bitcoin Core has no internal miner.
 * A method the node lacks (remembered by BitcoinRpc) makes the action NotSupportedError; any other
 * refusal is the node's RpcError.
 */
import type { NodeActionName, Scalar } from '../adapter';
import { NotSupportedError, RpcError } from '../errors';
import type { BitcoinRpc } from './rpc';

const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

function address(input: Readonly<Record<string, Scalar>>): string {
  const a = input.address;
  if (typeof a !== 'string' || a.trim() === '') throw new TypeError('input "address" must be a non-empty host:port string');
  return a.trim();
}

function bool(input: Readonly<Record<string, Scalar>>, name: string): boolean {
  const v = input[name];
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 1 || v === 1n) return true;
  if (v === 'false' || v === 0 || v === 0n) return false;
  throw new TypeError(`input "${name}" must be a boolean`);
}

async function invoke(rpc: BitcoinRpc, action: NodeActionName, method: string, params: unknown[]): Promise<void> {
  if (rpc.isMissing(method)) throw new NotSupportedError(`${action}: the node has no ${method} method`);
  await rpc.session(async () => {
    try {
      await rpc.call(method, params);
    } catch (e) {
      if (e instanceof RpcError && e.methodMissing) throw new NotSupportedError(`${action}: the node has no ${method} method`);
      throw e;
    }
  });
}

export async function runAction(rpc: BitcoinRpc, name: NodeActionName, input: Readonly<Record<string, Scalar>>): Promise<void> {
  switch (name) {
    case 'addPeer':
      return invoke(rpc, name, 'addnode', [address(input), 'onetry']);
    case 'removePeer':
      return invoke(rpc, name, 'disconnectnode', [address(input)]);
    case 'setNetworkActive':
      return invoke(rpc, name, 'setnetworkactive', [bool(input, 'active')]);
    case 'setLogLevel': {
      const level = input.level;
      if (typeof level !== 'string' || !SEVERITIES.includes(level)) {
        throw new TypeError(`input "level" must be one of ${SEVERITIES.join(', ')}`);
      }
      return invoke(rpc, name, 'logging', level === 'debug' ? [['all'], []] : [[], ['all']]);
    }
    case 'startBlockProduction':
    case 'stopBlockProduction':
      throw new NotSupportedError(`${name}: Bitcoin Core has no internal miner`);
    default: {
      const never: never = name;
      throw new NotSupportedError(`unknown action ${String(never)}`);
    }
  }
}
