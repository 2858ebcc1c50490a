/**
 * NETCONF sessions as the RPC layer keeps them: who, over which transport, their counters (RFC 6022
 * /netconf-state/sessions), the negotiated base version and the notification subscription. The transport
 * is reached through a SessionSink; what handling one message produced is a Handled.
 *
 * The hello exchange (RFC 6241 section 8.1): the server's hello with its capabilities and the session-id,
 * and the check of the client's hello, which negotiates base:1.0 or base:1.1.
 */
import type { Role, User } from './auth';
import { MalformedMessageError } from './errors';
import type { SessionInfo } from './monitoring';
import { CAP, NC_NS } from './namespaces';
import type { Filter } from './params';
import { child, escapeText, parseXml } from './xml';
import type { XmlElement } from './xml';

export type Transport = 'ssh' | 'http';

/** How the RPC layer reaches a client: the transport frames and sends, and ends the session. */
export interface SessionSink {
  send(message: string): void;
  /** dropped: the session did not end by the client's close-session (killed, idle, broken). */
  close(reason: string, dropped: boolean): void;
}

/** A create-subscription of a session (RFC 5277): active once its <ok/> is sent. */
export interface Subscription {
  readonly filter?: Filter;
  active: boolean;
  /** Notifications not sent because the filter failed on them (each is logged, at most once a minute). */
  filterErrors: number;
  lastFilterErrorLog: number;
}

export class Session implements SessionInfo {
  inRpcs = 0;
  inBadRpcs = 0;
  outRpcErrors = 0;
  outNotifications = 0;
  lastActivity = Date.now();
  /** base:1.1 negotiated (chunked framing; malformed-message may be sent). */
  base11 = false;
  subscription: Subscription | undefined;
  closed = false;
  readonly loginTime = Date.now();
  /** The source the audit records for this session's commits (restconf for the one-shot sessions of RESTCONF writes). */
  commitSource: 'netconf' | 'restconf' = 'netconf';

  constructor(readonly id: number, readonly user: User, readonly transport: Transport, readonly sourceHost: string, readonly sink: SessionSink) {}

  get username(): string { return this.user.name; }
  get role(): Role { return this.user.role; }
}

/** What handling one message produced: the reply, and what to do once it is sent. */
export interface Handled {
  readonly reply?: string;
  /**
   * Instead of reply: the reply in chunks of UTF-8 (their concatenation is the reply), produced as they are pulled. The
   * transport writes each chunk before it pulls the next and waits while the client does not read (backpressure),
   * and stops pulling (return()) when the session ends. Every check of the request is made before the first chunk:
   * nothing in it can be an rpc-error. A large <get> or <get-config> is never held whole.
   */
  readonly stream?: AsyncIterable<Buffer>;
  /** Runs after the reply was handed to the transport (activate a subscription, close the session). */
  readonly after?: () => void;
}

/** The whole reply of h (a streamed reply joined): for callers that need it as one string (one-shot sessions, benches). */
export async function replyText(h: Handled): Promise<string | undefined> {
  if (!h.stream) return h.reply;
  const parts: Buffer[] = [];
  for await (const c of h.stream) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

// ---- hello ----------------------------------------------------------------------------------------

/** Largest client hello parsed. */
export const MAX_HELLO_CHARS = 65536;

export function serverHelloXml(capabilities: readonly string[], sessionId: number): string {
  const caps = capabilities.map((c) => `<capability>${escapeText(c)}</capability>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${NC_NS}"><capabilities>${caps}</capabilities><session-id>${sessionId}</session-id></hello>`;
}

/**
 * Checks a client's hello; returns whether base:1.1 is negotiated. Throws MalformedMessageError when it is
 * not a valid client hello.
 */
export function checkClientHello(text: string): boolean {
  // a hello lists capabilities (ncclient's is about 1 KB); a larger one is not parsed (it would hold the event loop)
  if (text.length > MAX_HELLO_CHARS) throw new MalformedMessageError(`hello larger than ${MAX_HELLO_CHARS} characters`);
  let el: XmlElement;
  try {
    el = parseXml(text);
  } catch (e) {
    throw new MalformedMessageError(`hello is not well-formed XML: ${(e as Error).message}`);
  }
  if (el.name !== 'hello' || el.ns !== NC_NS) throw new MalformedMessageError('the first message must be a <hello>');
  if (child(el, 'session-id', NC_NS)) throw new MalformedMessageError('a client hello must not carry a session-id');
  const caps = child(el, 'capabilities', NC_NS)?.children.filter((c) => c.name === 'capability').map((c) => c.text.trim()) ?? [];
  const b10 = caps.includes(CAP.base10);
  const b11 = caps.includes(CAP.base11);
  if (!b10 && !b11) throw new MalformedMessageError('the client supports no base capability of this server');
  return b11;
}
