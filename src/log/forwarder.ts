/**
 * Forwarding of log records to one syslog collector: UDP (RFC 5426, one message per datagram) or TCP
 * with octet counting (RFC 6587). Never blocks the caller: TCP records wait in a bounded queue while
 * the connection is (re)established; when the queue is full the oldest is dropped and counted.
 * closeFlushed() lets what was sent leave (UDP datagrams handed to the kernel, TCP frames written and the
 * connection ended), within a time bound: the bridge's last record (STOP) is not lost at exit.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { octetCounted } from './rfc5424';

export interface ForwarderTarget {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
}

export interface ForwarderStats { sent: bigint; dropped: bigint; lastError: string | undefined }

const MAX_QUEUE = 1000;
const MAX_UDP = 65000;

export class SyslogForwarder {
  readonly stats: ForwarderStats = { sent: 0n, dropped: 0n, lastError: undefined };
  private udp: dgram.Socket | undefined;
  private tcp: net.Socket | undefined;
  private connected = false;
  private queue: Buffer[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** UDP datagrams handed to send() whose callback has not run yet. */
  private inflight = 0;
  private drained: (() => void) | undefined;

  constructor(readonly target: ForwarderTarget, private readonly onStats: () => void) {}

  send(message: string): void {
    if (this.closed) return;
    if (this.target.transport === 'udp') this.sendUdp(message);
    else this.sendTcp(octetCounted(message));
  }

  private sendUdp(message: string): void {
    let buf = Buffer.from(message, 'utf8');
    if (buf.length > MAX_UDP) buf = buf.subarray(0, MAX_UDP);
    if (!this.udp) {
      this.udp = dgram.createSocket(net.isIPv6(this.target.host) ? 'udp6' : 'udp4');
      this.udp.on('error', (e) => { this.stats.lastError = e.message; this.onStats(); });
      this.udp.unref();
    }
    this.inflight++;
    this.udp.send(buf, this.target.port, this.target.host, (err) => {
      if (err) { this.stats.dropped++; this.stats.lastError = err.message; } else this.stats.sent++;
      this.inflight--;
      if (!this.inflight) this.drained?.();
      this.onStats();
    });
  }

  private sendTcp(frame: Buffer): void {
    if (this.connected && this.tcp) {
      this.tcp.write(frame);
      this.stats.sent++;
      this.onStats();
      return;
    }
    this.queue.push(frame);
    if (this.queue.length > MAX_QUEUE) { this.queue.shift(); this.stats.dropped++; this.onStats(); }
    this.connect();
  }

  private connect(): void {
    if (this.tcp || this.retryTimer || this.closed) return;
    const s = net.connect({ host: this.target.host, port: this.target.port });
    this.tcp = s;
    s.setNoDelay(true);
    s.unref();
    s.on('connect', () => {
      this.connected = true;
      const q = this.queue;
      this.queue = [];
      for (const f of q) { s.write(f); this.stats.sent++; }
      this.onStats();
    });
    s.on('data', () => undefined); // collectors do not answer; ignore anything
    s.on('error', (e) => { this.stats.lastError = e.message; });
    s.on('close', () => {
      this.connected = false;
      this.tcp = undefined;
      this.onStats();
      if (this.closed || !this.queue.length) return;
      this.retryTimer = setTimeout(() => { this.retryTimer = undefined; this.connect(); }, 1000);
      this.retryTimer.unref();
    });
  }

  /**
   * Closes after the records already given have left: UDP sends completed; TCP frames written (connecting
   * first if needed) and the connection ended. Gives up after timeoutMs; records still queued then are counted dropped.
   */
  async closeFlushed(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((resolve) => {
      if (this.target.transport === 'udp') {
        if (!this.inflight) resolve(); else this.drained = resolve;
        return;
      }
      if (!this.queue.length && !this.tcp) { resolve(); return; }
      const end = (): void => { this.tcp ? this.tcp.end(resolve) : resolve(); };
      if (this.connected) end();
      else {
        this.connect();
        this.tcp?.once('connect', end);
        this.tcp?.once('close', () => resolve());
      }
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => { timer = setTimeout(r, timeoutMs); })]);
    clearTimeout(timer);
    if (this.queue.length) { this.stats.dropped += BigInt(this.queue.length); this.queue = []; this.onStats(); }
    this.close();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.udp?.close();
    this.tcp?.end();
    this.tcp?.destroy();
  }
}
