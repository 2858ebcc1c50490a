/**
 * Event notifications (RFC 5277): create-subscription on the NETCONF stream (no replay), and publishing a
 * notification to every session with an active subscription whose filter selects it. A filter that fails on a
 * notification (an XPath evaluation error) does not send it: the subscription counts it and a warning log
 * record says so (the first failure, then at most once a minute with the count).
 */
import type { ServerContext } from './context';
import type { DNode } from './data';
import { InUseError, InvalidValueError, MissingElementError, OperationFailedError, OperationNotSupportedError } from './errors';
import { notificationXml } from './notifications';
import { applyFilter, checkParams, filterOf } from './params';
import { ok } from './reply';
import type { Handled, Session, Subscription } from './session';
import { child } from './xml';
import type { XmlElement } from './xml';

export function createSubscription(s: Session, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['stream', 'filter', 'startTime', 'stopTime']);
  if (s.transport === 'http') throw new OperationNotSupportedError('notifications need a NETCONF session: use NETCONF over SSH');
  if (s.subscription) throw new InUseError('this session already has a subscription (RFC 5277 allows one per session)');
  const stream = child(op, 'stream')?.text.trim() ?? 'NETCONF';
  if (stream !== 'NETCONF') throw new InvalidValueError(`stream ${stream} does not exist (the server has the NETCONF stream)`, { info: [{ name: 'bad-element', value: 'stream' }] });
  const start = child(op, 'startTime');
  const stop = child(op, 'stopTime');
  if (stop && !start) throw new MissingElementError('startTime', 'stopTime needs startTime');
  if (start) throw new OperationFailedError('replay is not supported (the :replay capability is not offered): omit startTime', { info: [{ name: 'bad-element', value: 'startTime' }] });
  const f = filterOf(op);
  const sub: Subscription = { filter: f, active: false, filterErrors: 0, lastFilterErrorLog: 0 };
  s.subscription = sub;
  return ok(rpc, () => { if (s.subscription === sub) sub.active = true; });
}

/** Sends a notification to the subscribed sessions; its content is built only when someone is subscribed. */
export function publish(ctx: ServerContext, content: () => DNode[] | undefined, time: number): void {
  let nodes: DNode[] | undefined;
  let plain: string | undefined;
  for (const s of ctx.sessions.values()) {
    if (!s.subscription?.active) continue;
    nodes ??= content();
    if (!nodes) return;
    let xml: string;
    if (s.subscription.filter) {
      let sel: DNode[];
      try { sel = applyFilter(nodes, s.subscription.filter); } catch (e) { filterFailed(ctx, s, s.subscription, e); continue; }
      if (!sel.length) continue;
      xml = notificationXml(sel, time);
    } else xml = plain ??= notificationXml(nodes, time);
    s.outNotifications++;
    ctx.stats.outNotifications++;
    try { s.sink.send(xml); } catch { ctx.closeSession(s, 'transport failed', true); }
  }
}

/** Interval between two warnings about one subscription's failing filter. */
const FILTER_ERROR_LOG_INTERVAL_MS = 60_000;

function filterFailed(ctx: ServerContext, s: Session, sub: Subscription, e: unknown): void {
  sub.filterErrors++;
  const now = Date.now();
  if (sub.filterErrors > 1 && now - sub.lastFilterErrorLog < FILTER_ERROR_LOG_INTERVAL_MS) return;
  sub.lastFilterErrorLog = now;
  ctx.bridge.record({ severity: 'warning', component: 'netconf', msgId: 'NOTIFY',
    message: `session ${s.id} (${s.username}): notification not sent: the subscription filter failed: ${(e as Error).message} ` +
      `(${sub.filterErrors} notification(s) not sent so far)` });
}
