/**
 * Node actions of the model on EIP-1474 nodes:
 *   addPeer / removePeer     admin_addPeer / admin_removePeer (enode URL)
 *   setNetworkActive         not in any Ethereum JSON-RPC API: NotSupportedError
 *   startBlockProduction     miner_start (geth before 1.14, Besu, Ganache, the embedded dev chain),
 *                            else evm_setAutomine(true) (Hardhat, Anvil)
 *   stopBlockProduction      miner_stop, else evm_setAutomine(false) + evm_setIntervalMining(0)
 *   setLogLevel              debug_verbosity (geth), admin_changeLogLevel (Besu)
 * A method the node lacks is remembered; when no method is left the action rejects with NotSupportedError.
 */
import type { NodeActionName, Scalar } from '../adapter';
import { NotSupportedError, RpcError } from '../errors';
import type { ClientKind, MethodBook } from './methods';

type Input = Readonly<Record<string, Scalar>>;

/** RFC 5424 severity names (the model's SyslogSeverity labels) in severity order 0..7. */
const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;

/**
 * The least severe level to log as an RFC 5424 severity number. Accepts the model's label
 * ("warning"), or the syslog number 0..7.
 */
export function severityOf(level: Scalar | undefined): number {
  if (typeof level === 'string') {
    const i = (SEVERITIES as readonly string[]).indexOf(level.toLowerCase());
    if (i >= 0) return i;
    if (/^[0-7]$/.test(level)) return Number(level);
  }
  if (typeof level === 'number' && Number.isInteger(level) && level >= 0 && level <= 7) return level;
  throw new RangeError(`setLogLevel: level must be one of ${SEVERITIES.join(', ')}`);
}

/**
 * geth --verbosity: 0 crit, 1 error, 2 warn, 3 info, 4 debug, 5 trace (detail).
 * emergency/alert/critical → 0, error → 1, warning → 2, notice/info → 3, debug → 4;
 * 5 (trace) is below anything RFC 5424 names and is not used.
 */
export function gethVerbosity(severity: number): number {
  return severity <= 2 ? 0 : severity === 3 ? 1 : severity === 4 ? 2 : severity <= 6 ? 3 : 4;
}

/** Besu (log4j) levels: FATAL, ERROR, WARN, INFO, DEBUG (TRACE is not used). */
export function besuLevel(severity: number): string {
  return severity <= 2 ? 'FATAL' : severity === 3 ? 'ERROR' : severity === 4 ? 'WARN' : severity <= 6 ? 'INFO' : 'DEBUG';
}

function enodeInput(name: NodeActionName, input: Input): string {
  const a = input.address;
  if (typeof a !== 'string' || !/^enode:\/\/[0-9a-fA-F]{128}@[^\s]+$/.test(a)) {
    throw new RangeError(`${name}: address must be an enode URL (enode://<128 hex digits>@host:port)`);
  }
  return a;
}

/** Answers of admin_addPeer / admin_removePeer are true, or false when the node refuses. */
function checkAccepted(method: string, r: { result: unknown }): void {
  if (r.result === false) throw new RpcError(-32000, 'node refused the request', method);
}

async function blockProduction(book: MethodBook, start: boolean): Promise<void> {
  const r = await book.ifPresent(start ? 'miner_start' : 'miner_stop');
  if (r !== undefined) return;
  // Development chains: Hardhat and Anvil seal on each transaction (automine) or on a timer (interval mining).
  const auto = await book.ifPresent('evm_setAutomine', [start]);
  if (auto !== undefined) {
    if (!start) await book.ifPresent('evm_setIntervalMining', [0]);
    return;
  }
  throw new NotSupportedError(`${start ? 'startBlockProduction' : 'stopBlockProduction'}: the node has neither ` +
    `${start ? 'miner_start' : 'miner_stop'} nor evm_setAutomine (proof-of-stake nodes produce blocks under their consensus client)`);
}

async function setLogLevel(book: MethodBook, kind: ClientKind, input: Input): Promise<void> {
  const severity = severityOf(input.level);
  const geth = (): Promise<{ result: unknown } | undefined> => book.ifPresent('debug_verbosity', [gethVerbosity(severity)]);
  const besu = (): Promise<{ result: unknown } | undefined> => book.ifPresent('admin_changeLogLevel', [besuLevel(severity)]);
  const order = kind === 'besu' ? [besu, geth] : [geth, besu];
  for (const f of order) if (await f() !== undefined) return;
  throw new NotSupportedError('setLogLevel: the node has neither debug_verbosity (geth, debug API) nor ' +
    'admin_changeLogLevel (Besu, ADMIN API); its log level cannot be set over JSON-RPC');
}

export async function runAction(book: MethodBook, kind: ClientKind, name: NodeActionName, input: Input): Promise<void> {
  switch (name) {
    case 'addPeer':
    case 'removePeer': {
      const method = name === 'addPeer' ? 'admin_addPeer' : 'admin_removePeer';
      const r = await book.ifPresent(method, [enodeInput(name, input)]);
      if (r === undefined) throw new NotSupportedError(`${name}: the node has no ${method} (admin API not enabled, or not offered by the client)`);
      checkAccepted(method, r);
      return;
    }
    case 'setNetworkActive':
      throw new NotSupportedError('setNetworkActive: the Ethereum JSON-RPC API has no call to enable or disable peer-to-peer networking');
    case 'startBlockProduction':
      return blockProduction(book, true);
    case 'stopBlockProduction':
      return blockProduction(book, false);
    case 'setLogLevel':
      return setLogLevel(book, kind, input);
    default: {
      const never: never = name;
      throw new NotSupportedError(`unknown action ${String(never)}`);
    }
  }
}
