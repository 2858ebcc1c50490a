/**
 * Replies of data GETs (RFC 8040 sections 3.5 and 4.3): the datastore as ietf-restconf:data, or one target
 * resource as itself (a list entry as a one-entry array), in JSON (RFC 7951) or XML.
 */
import { nodesToXml } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { RESTCONF_NS } from './errors';
import { membersJson } from './json';
import type { ModuleOfNs } from './json';
import type { Encoding } from './media';

export function datastoreReply(nodes: readonly DNode[], enc: Encoding, moduleOf: ModuleOfNs): string {
  if (enc === 'json') return JSON.stringify({ 'ietf-restconf:data': membersJson(nodes, RESTCONF_NS, moduleOf) });
  return `<data xmlns="${RESTCONF_NS}">${nodesToXml(nodes, RESTCONF_NS)}</data>`;
}

export function resourceReply(node: DNode, enc: Encoding, moduleOf: ModuleOfNs): string {
  if (enc === 'json') return JSON.stringify(membersJson([node], '', moduleOf));
  return nodesToXml([node]);
}
