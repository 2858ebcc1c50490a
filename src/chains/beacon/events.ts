/**
 * Server-sent events of the Beacon Node API (/eth/v1/events): a line parser for the text/event-stream
 * format (WHATWG HTML, "server-sent events": event/data/id fields, blank line ends an event, comments
 * start with ':') and the subscription to head, block, finalized_checkpoint and chain_reorg. Topics are
 * sent as repeated `topics=` parameters: Lodestar 1.5.1 hangs on the comma-separated form.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { BeaconHttp } from './api';
import { query } from './api';

export interface BeaconEvent { readonly event: string; readonly data: string }

export const TOPICS = ['head', 'block', 'finalized_checkpoint', 'chain_reorg'] as const;

/** Largest event accepted (a longer one ends the stream as malformed). */
const MAX_EVENT = 1024 * 1024;

/** Incremental text/event-stream parser: feed chunks, get complete events. */
export class EventStreamParser {
  private buf = '';
  private event = '';
  private data: string[] = [];
  private size = 0;

  constructor(private readonly onEvent: (e: BeaconEvent) => void) {}

  /** The last line ended with CR at the end of a chunk: an LF starting the next one belongs to it. */
  private afterCr = false;

  push(chunk: string): void {
    if (this.afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.afterCr = false;
    this.buf += chunk;
    for (;;) {
      const nl = this.buf.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      const line = this.buf.slice(0, nl);
      const crlf = this.buf.startsWith('\r\n', nl);
      if (!crlf && this.buf[nl] === '\r' && nl === this.buf.length - 1) this.afterCr = true;
      this.buf = this.buf.slice(nl + (crlf ? 2 : 1));
      this.line(line);
    }
    if (this.buf.length + this.size > MAX_EVENT) throw new Error('event stream: event larger than 1 MiB');
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length) this.onEvent({ event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      this.size = 0;
      return;
    }
    if (line.startsWith(':')) return;
    const c = line.indexOf(':');
    const field = c < 0 ? line : line.slice(0, c);
    let value = c < 0 ? '' : line.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') { this.data.push(value); this.size += value.length; }
  }
}

/**
 * Subscribes to the node's event stream; onEvent for each event, onError once when the stream fails or
 * ends (the caller subscribes again later). Returns the function that closes the stream.
 */
export function subscribeEvents(api: BeaconHttp, onEvent: (e: BeaconEvent) => void, onError: (e: Error) => void): () => void {
  const u = api.url(`/eth/v1/events${query({ topics: [...TOPICS] })}`);
  const mod = u.protocol === 'https:' ? https : http;
  let closed = false;
  const fail = (e: Error): void => { if (!closed) { closed = true; req.destroy(); onError(e); } };
  const parser = new EventStreamParser((e) => { if (!closed) onEvent(e); });
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (u.username) headers.authorization = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  // Its own connection (no pooled agent): the stream holds it for as long as it lives.
  const req = mod.request({ protocol: u.protocol, hostname: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET', headers, agent: false }, (res) => {
    if (res.statusCode !== 200) { res.resume(); fail(new Error(`/eth/v1/events: HTTP ${res.statusCode}`)); return; }
    res.setEncoding('utf8');
    res.on('data', (c: string) => { try { parser.push(c); } catch (e) { fail(e as Error); } });
    res.on('end', () => fail(new Error('/eth/v1/events: stream ended')));
    res.on('error', (e) => fail(e));
  });
  req.on('error', (e) => fail(e));
  req.end();
  return () => { closed = true; req.destroy(); };
}
