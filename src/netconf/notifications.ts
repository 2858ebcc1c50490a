/**
 * Bridge events as NETCONF notifications (RFC 5277, stream NETCONF):
 *   - model events → the YANG notifications of our module (new-block, reorg, node-added, node-removed,
 *     node-reachability-changed), parameters as leaves;
 *   - alarm notices → ietf-alarms alarm-notification (with the ietf-alarms-x733 leaves the model maps).
 */
import type { AlarmNotice, ModelEventNotice } from '../events';
import { kebab, model, modelIndex } from '../model';
import { inner, leaf, nodesToXml } from './data';
import type { DNode } from './data';
import { NOTIF_NS } from './namespaces';
import { OUR_NS, leafText, splitQName } from './schema';

/**
 * A listener of the NETCONF stream (NetconfServer.onNotification): content builds the notification's content
 * nodes (once, shared by all; undefined when the event is not a notification of the model); time is its eventTime.
 */
export type NotificationListener = (content: () => DNode[] | undefined, time: number) => void;

/** The notification's content node, or undefined when the event is not one of the model. */
export function eventNode(e: ModelEventNotice): DNode | undefined {
  const def = model.events.find((x) => x.name === e.name);
  if (!def) return undefined;
  const kids: DNode[] = [];
  for (const p of def.parameters) {
    const v = e.params[p.name];
    if (v === undefined || Array.isArray(v)) continue;
    const t = leafText(p.type, v as string | number | bigint | boolean);
    kids.push(leaf(kebab(p.name), OUR_NS, t.text, t.valueNs));
  }
  return inner(kebab(def.name), OUR_NS, kids);
}

/** Leaves of alarm-notification, in the order of RFC 8632's groupings, with the attribute each comes from. */
const ALARM_NOTIFICATION_LEAVES = ['al:resource', 'al:alarm-type-id', 'al:alarm-type-qualifier', 'al:time', 'al:perceived-severity', 'al:alarm-text',
  'x733:event-type', 'x733:probable-cause'];

export function alarmNode(n: AlarmNotice, nsOf: (prefix: string) => string): DNode {
  const cls = modelIndex.cls('alarm');
  const al = nsOf('al');
  const kids: DNode[] = [];
  for (const q of ALARM_NOTIFICATION_LEAVES) {
    const { prefix, name } = splitQName(q);
    if (q === 'al:time') {
      const t = n.alarm.get('lastChanged');
      kids.push(leaf('time', al, leafText({ base: 'timestamp' }, typeof t === 'number' ? t : n.time).text));
      continue;
    }
    const a = cls.attributes.find((x) => x.yangExternal === q);
    let v = a ? n.alarm.get(a.name) : undefined;
    if (q === 'al:perceived-severity' && n.change === 'cleared') v = 'cleared';
    if (q === 'al:alarm-type-qualifier' && v === undefined) v = '';
    if (v === undefined || !a || Array.isArray(v)) continue;
    const t = leafText(a.type, v as string | number | bigint | boolean);
    kids.push(leaf(name, nsOf(prefix), t.text, t.valueNs));
  }
  return inner('alarm-notification', al, kids);
}

/** The <notification> message around a content node. */
export function notificationXml(content: readonly DNode[], time: number): string {
  return `<notification xmlns="${NOTIF_NS}"><eventTime>${new Date(time).toISOString()}</eventTime>${nodesToXml(content, NOTIF_NS)}</notification>`;
}
