/**
 * Replies of data GETs (RFC 8040 sections 3.5 and 4.3): the datastore as ietf-restconf:data, or one target
 * resource as itself (a list entry as a one-entry array), in JSON (RFC 7951) or XML.
 */
import type { DNode } from '../netconf/data';
import { RESTCONF_NS } from './errors';
import type { ModuleOfNs } from './json';
import type { Encoding } from './media';
import type { Turns } from '../turns';
import { writeMembersJson } from './json-text';
import type { TextSink } from './json-text';
import { writeNodesXml } from './xml-text';

/**
 * The datastore as ietf-restconf:data, written in slices into a sink (a reply of the whole datastore is megabytes at a
 * thousand nodes): JSON (RFC 7951, json-text.ts) or XML (xml-text.ts).
 */
export async function writeDatastoreReply(nodes: readonly DNode[], enc: Encoding, moduleOf: ModuleOfNs, sink: TextSink, turns: Turns): Promise<void> {
  if (enc === 'json') {
    sink.push('{"ietf-restconf:data":');
    await writeMembersJson(nodes, RESTCONF_NS, moduleOf, sink, turns);
    sink.push('}');
    return;
  }
  sink.push(`<data xmlns="${RESTCONF_NS}">`);
  await writeNodesXml(nodes, RESTCONF_NS, sink, turns);
  sink.push('</data>');
}

/** One target resource as itself (a list entry as a one-entry array), written in slices into a sink. */
export async function writeResourceReply(node: DNode, enc: Encoding, moduleOf: ModuleOfNs, sink: TextSink, turns: Turns): Promise<void> {
  if (enc === 'json') await writeMembersJson([node], '', moduleOf, sink, turns);
  else await writeNodesXml([node], '', sink, turns);
}
