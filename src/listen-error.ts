/**
 * A view that cannot listen (its port is taken, its address is not on this host, or the port is
 * privileged) is a configuration problem: one line naming the view, the transport, the address and
 * port, and the configuration field that chose them.
 */
import { ConfigError } from './config/document';

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is in use by another program',
  EADDRNOTAVAIL: 'the address is not an address of this host',
  EACCES: 'permission denied (ports below 1024 need privileges)',
};

export class ListenError extends ConfigError {
  constructor(readonly view: string, readonly transport: 'TCP' | 'UDP', readonly address: string, readonly port: number, readonly code: string, field = '') {
    super(field, `${view} cannot listen on ${transport} ${address}:${port}: ${REASONS[code] ?? code}`);
  }

  /** The ListenError of a failed bind or listen (a Node.js system error), or undefined for any other error. */
  static from(e: unknown, view: string, field?: string | ((port: number) => string | undefined)): ListenError | undefined {
    if (e instanceof ListenError) return e;
    const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
    if (!err || typeof err !== 'object' || !err.code || !(err.code in REASONS) || (err.syscall !== 'bind' && err.syscall !== 'listen')) return undefined;
    const port = Number(err.port ?? 0);
    const where = typeof field === 'function' ? field(port) : field;
    return new ListenError(view, err.syscall === 'bind' ? 'UDP' : 'TCP', err.address ?? '?', port, err.code, where ?? '');
  }
}
