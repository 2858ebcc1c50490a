/**
 * The gate of the NETCONF over SSH listener: every TCP connection is counted and timed from the moment it is
 * accepted, before any SSH byte is read. A connection is "starting" until its NETCONF session starts
 * (authenticated, subsystem accepted); at most maxStartups connections are starting at once (further ones are
 * closed at once, as OpenSSH's MaxStartups), and a starting connection is closed when loginGraceTime has
 * passed (OpenSSH's LoginGraceTime). So silent sockets, or clients stuck in the key exchange or the
 * authentication, hold neither file descriptors nor memory for long.
 */
import type { Socket } from 'node:net';

export interface LoginGateLimits {
  /** Seconds a connection may stay starting. */
  loginGraceTime(): number;
  /** Starting connections allowed at once. */
  maxStartups(): number;
}

/** The key of a connection: its remote address and port (unique among open connections). */
export function connectionKey(address: string | undefined, port: number | undefined): string {
  return `${address ?? ''}:${port ?? ''}`;
}

/** Refusals are logged at most this often (an attacker must not flood the log). */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

export class LoginGate {
  private readonly starting = new Map<string, { sock: Socket; timer: NodeJS.Timeout }>();
  /** Connections closed at accept because maxStartups were starting. */
  refused = 0;
  /** Connections closed because their login grace time ran out. */
  timedOut = 0;
  private refusedSinceLog = 0;
  private lastRefusalLog = 0;

  constructor(private readonly limits: LoginGateLimits, private readonly log: (line: string) => void) {}

  /** Connections starting now. */
  get pending(): number { return this.starting.size; }

  /**
   * A connection just accepted: counted and timed, or closed when maxStartups are starting (false).
   */
  admit(sock: Socket): boolean {
    const key = connectionKey(sock.remoteAddress, sock.remotePort);
    // a socket closed before its 'close' event ran may leave its key behind: the new one takes its place
    const stale = this.starting.get(key);
    if (stale?.sock.destroyed) this.leave(key);
    if (sock.remoteAddress === undefined || this.starting.size >= this.limits.maxStartups() || this.starting.has(key)) {
      this.refused++;
      this.refusedSinceLog++;
      const now = Date.now();
      if (now - this.lastRefusalLog >= REFUSAL_LOG_INTERVAL_MS) {
        this.log(`netconf ssh: ${this.refusedSinceLog} connection(s) refused: ${this.limits.maxStartups()} connections are already starting (configuration maxStartups)`);
        this.lastRefusalLog = now;
        this.refusedSinceLog = 0;
      }
      sock.on('error', () => undefined);
      sock.destroy();
      return false;
    }
    const timer = setTimeout(() => {
      if (this.starting.get(key)?.sock !== sock) return;
      this.timedOut++;
      this.starting.delete(key);
      sock.destroy();
    }, this.limits.loginGraceTime() * 1000);
    timer.unref();
    this.starting.set(key, { sock, timer });
    sock.once('close', () => this.leave(key, sock));
    return true;
  }

  /** The connection's session started (or it closed): it no longer counts, and its grace timer stops. */
  leave(key: string, sock?: Socket): void {
    const e = this.starting.get(key);
    if (!e || (sock && e.sock !== sock)) return;
    clearTimeout(e.timer);
    this.starting.delete(key);
  }

  /** Closes every starting connection (server stopping). */
  closeAll(): void {
    for (const [key, e] of [...this.starting]) { this.leave(key); e.sock.destroy(); }
  }
}
