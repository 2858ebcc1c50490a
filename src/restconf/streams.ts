/**
 * RESTCONF notification streams (RFC 8040 section 6): the NETCONF stream of the RPC layer (the notifications
 * NETCONF subscriptions get: the model's events, e.g. new-block, and ietf-alarms alarm-notification) as
 * server-sent events, one event per notification, its data the RFC 8040 section 6.4 encoding in JSON
 * ({"ietf-restconf:notification": {"eventTime": ..., "module:event": {...}}}) or XML (the RFC 5277
 * <notification>).
 *
 *   GET {+restconf}/streams/NETCONF/json   and  .../xml   (the locations of ietf-restconf-monitoring)
 *   GET {+restconf}/streams/NETCONF        the encoding chosen by Accept (JSON unless it asks for yang-data+xml)
 *
 * Query parameters (section 4.8): filter, an XPath expression over the notification content whose prefixes are
 * module names (or the modules' own prefixes), checked and evaluated as a NETCONF XPath filter, with its work
 * budget; start-time and stop-time would ask for replay, which the NETCONF stream does not keep (400). The
 * number of clients is bounded (maxSessions; 503 past it). A comment line every KEEPALIVE_MS finds dead clients;
 * a client that does not read is disconnected once MAX_QUEUED_OCTETS wait for it.
 */
import type { Request, Response } from 'express';
import type { DNode } from '../netconf/data';
import type { ModuleCatalogue } from '../netconf/modules';
import { notificationXml } from '../netconf/notifications';
import type { NotificationListener } from '../netconf/notifications';
import { applyFilter } from '../netconf/params';
import type { Filter } from '../netconf/params';
import { XPathError, XPathLimitError, parseXPath } from '../netconf/xpath';
import { InvalidValueError, TooBigError } from '../netconf/errors';
import type { XmlElement } from '../netconf/xml';
import { RESTCONF_ROOT } from './discovery';
import { RESTCONF_NS, RestconfError, badQuery, unknownResource } from './errors';
import { membersJson } from './json';
import type { ModuleOfNs } from './json';
import type { Encoding } from './media';

export const STREAMS_PATH = `${RESTCONF_ROOT}/streams`;

/** The streams of the server: the RPC layer's one NETCONF stream (RFC 5277 section 3.2.3), without replay. */
export const STREAMS: readonly { readonly name: string; readonly description: string; readonly replay: boolean }[] = [
  { name: 'NETCONF', replay: false, description: 'Default NETCONF event stream: the model events of blockchain-mgmt (new-block, reorg, node-added, ' +
    'node-removed, node-reachability-changed) and ietf-alarms alarm-notification' },
];
export const STREAM_ENCODINGS: readonly Encoding[] = ['json', 'xml'];

/** Interval of the keep-alive comment lines, ms. */
export const KEEPALIVE_MS = 15_000;
/** Octets queued for a client that does not read before it is disconnected (a slow client cannot grow memory). */
export const MAX_QUEUED_OCTETS = 4 * 1024 * 1024;

/** The path of a stream's access in an encoding (its location is this on the server's own URL). */
export const streamPath = (name: string, enc: Encoding): string => `${STREAMS_PATH}/${encodeURIComponent(name)}/${enc}`;

/** One notification as RFC 8040 section 6.4 says, in an encoding. */
export function notificationText(nodes: readonly DNode[], time: number, enc: Encoding, moduleOf: ModuleOfNs): string {
  if (enc === 'xml') return notificationXml(nodes, time);
  return JSON.stringify({ 'ietf-restconf:notification': { eventTime: new Date(time).toISOString(), ...membersJson(nodes, RESTCONF_NS, moduleOf) } });
}

/** The text/event-stream event of a message: each of its lines in a data field. */
export function sseEvent(text: string): string {
  return `${text.split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join('\n')}\n\n`;
}

/** The XPath filter of the filter parameter: prefixes are the module names and prefixes of the catalogue. */
export function streamFilter(select: string, catalogue: ModuleCatalogue): Filter {
  const scope = new Map<string, string>();
  for (const m of catalogue.modules) { scope.set(m.prefix, m.namespace); }
  for (const m of catalogue.modules) { scope.set(m.name, m.namespace); }
  const el: XmlElement = { name: 'filter', prefix: '', ns: '', attrs: [], children: [], text: '', scope, offset: 0 };
  try { parseXPath(select, (p) => scope.get(p)); } catch (e) {
    if (e instanceof XPathLimitError) throw new TooBigError(`filter: ${e.message}`, { type: 'protocol' });
    if (e instanceof XPathError) throw new InvalidValueError(`filter: ${e.message}`, { type: 'protocol' });
    throw e;
  }
  return { kind: 'xpath', el, select };
}

export interface StreamSource {
  readonly catalogue: ModuleCatalogue;
  onNotification(listener: NotificationListener): () => void;
}

/** The event-stream clients of one server. */
export class EventStreams {
  private clients = 0;
  /** The event text of a notification's content, per encoding: encoded once for all the clients without a filter. */
  private readonly encoded = new WeakMap<readonly DNode[], Map<Encoding, string>>();

  constructor(private readonly src: StreamSource, private readonly maxClients: () => number, private readonly moduleOf: ModuleOfNs,
    private readonly log: (line: string) => void) {}

  get clientCount(): number { return this.clients; }

  /** The encoding of a stream request: by the path's last step, or by Accept. */
  static encodingOf(rest: string, accept: string | undefined): { stream: string; enc: Encoding } {
    const parts = rest.split('/').filter(Boolean);
    let name = '';
    try { name = decodeURIComponent(parts[0] ?? ''); } catch { /* bad percent-encoding: no such stream */ }
    const stream = STREAMS.find((s) => s.name === name);
    if (!stream || parts.length > 2 || (parts[1] !== undefined && !STREAM_ENCODINGS.includes(parts[1] as Encoding))) {
      throw unknownResource(`${STREAMS_PATH}/${rest.replace(/^\//, '')}`);
    }
    if (parts[1]) return { stream: stream.name, enc: parts[1] as Encoding };
    return { stream: stream.name, enc: /application\/yang-data\+xml/i.test(accept ?? '') ? 'xml' : 'json' };
  }

  private eventOf(nodes: readonly DNode[], time: number, enc: Encoding): string {
    let byEnc = this.encoded.get(nodes);
    if (!byEnc) { byEnc = new Map(); this.encoded.set(nodes, byEnc); }
    let text = byEnc.get(enc);
    if (text === undefined) { text = sseEvent(notificationText(nodes, time, enc, this.moduleOf)); byEnc.set(enc, text); }
    return text;
  }

  /** Starts the event stream of a request (the user is authenticated); throws a RestconfError before any byte is sent. */
  open(req: Request, res: Response, user: string, enc: Encoding, search: string): void {
    const accept = req.headers.accept;
    if (accept && !/text\/event-stream|\*\/\*|text\/\*|application\/yang-data/i.test(accept)) {
      throw new RestconfError(406, 'invalid-value', 'protocol', `an event stream is text/event-stream, not ${accept}`);
    }
    let filter: Filter | undefined;
    const seen = new Set<string>();
    for (const [name, value] of new URLSearchParams(search)) {
      if (seen.has(name)) throw badQuery(`query parameter ${name} is given more than once`);
      seen.add(name);
      if (name === 'filter') filter = streamFilter(value, this.src.catalogue);
      else if (name === 'start-time' || name === 'stop-time') throw badQuery(`${name}: the stream does not support replay (replay-support is false)`);
      else throw badQuery(`query parameter ${name} is not supported on a stream (filter)`);
    }
    if (this.clients >= this.maxClients()) {
      throw new RestconfError(503, 'resource-denied', 'application', `too many event-stream clients (${this.clients}; configuration maxSessions)`);
    }
    this.clients++;
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(': stream NETCONF\n\n');
    let filterErrors = 0;
    const listener: NotificationListener = (content, time) => {
      const nodes = content();
      if (!nodes?.length) return;
      let sel: DNode[] = nodes;
      if (filter) {
        try { sel = applyFilter(nodes, filter); } catch (e) {
          if (filterErrors++ === 0) this.log(`restconf: event stream of ${user}: notification not sent: the filter failed: ${(e as Error).message}`);
          return;
        }
        if (!sel.length) return;
      }
      send(filter ? sseEvent(notificationText(sel, time, enc, this.moduleOf)) : this.eventOf(nodes, time, enc));
    };
    const send = (text: string): void => {
      if (closed) return;
      if (res.writableLength + text.length > MAX_QUEUED_OCTETS) {
        this.log(`restconf: event stream of ${user} closed: the client does not read (${res.writableLength} octets queued)`);
        close();
        res.destroy();
        return;
      }
      res.write(text);
    };
    const off = this.src.onNotification(listener);
    const keepAlive = setInterval(() => { send(': keep-alive\n\n'); }, KEEPALIVE_MS);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      off();
      clearInterval(keepAlive);
      this.clients--;
    };
    res.on('close', close);
    res.on('error', close);
    req.socket.setTimeout(0);
  }
}
