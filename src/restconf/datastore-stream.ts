/**
 * A RESTCONF read of the whole datastore (GET /restconf/data with no fields and no depth: what an NMS polls), written
 * straight from the instance tree and the configuration into the reply, chunk by chunk, without a data tree:
 * /managed-system by render-json.ts (JSON) or src/netconf/render-stream.ts (XML), the small rest (alarm list, YANG
 * library, RESTCONF monitoring) from its data nodes. The same text as readData + writeDatastoreReply (encode.ts).
 */
import type { DNode } from '../netconf/data';
import { managedSystemWrites } from '../netconf/render-stream';
import { XmlChunks } from '../netconf/xml-chunks';
import type { Turns } from '../turns';
import { CHUNK_BYTES } from '../http/server';
import { otherNodes } from './datastore';
import type { RestconfSource } from './datastore';
import { RESTCONF_NS } from './errors';
import { JsonChunks } from './json-chunks';
import { writeMembers } from './json-text';
import type { ModuleOfNs } from './json';
import type { TextSink } from './json-text';
import type { Encoding } from './media';
import type { DataQuery } from './query';
import { managedSystemJson } from './render-json';
import { writeNodesXml } from './xml-text';

/** Whether a read is one of the whole datastore that is written this way (else readData builds it). */
export function streamsWholeDatastore(steps: readonly unknown[], q: DataQuery): boolean {
  return steps.length === 0 && q.fields === undefined && q.depth === undefined && (q.content === 'all' || q.content === 'config');
}

/** Runs the steps, moving what they write into the sink chunk by chunk, giving the event loop back between slices. */
async function pump(steps: Iterator<void, void, void>, w: { readonly length: number; take(): string | Buffer }, sink: TextSink, turns: Turns): Promise<boolean> {
  let wrote = false;
  for (;;) {
    const r = steps.next();
    if (w.length >= CHUNK_BYTES || (r.done && w.length)) {
      sink.push(w.take());
      wrote = true;
      if (sink.full) await sink.flush();
    }
    if (r.done) return wrote;
    if (turns.due()) await turns.next();
  }
}

/** Writes the datastore (content all or config) with the extra top-level nodes (the RESTCONF monitoring state). */
export async function writeWholeDatastore(src: RestconfSource, q: DataQuery, extra: readonly DNode[], enc: Encoding, moduleOf: ModuleOfNs,
  sink: TextSink, turns: Turns): Promise<void> {
  const state = q.content === 'all';
  const root = state ? src.bridge.tree.root : undefined;
  const doc = src.bridge.datastore.read('running');
  const opts = { state, withDefaults: q.withDefaults };
  const rest = state ? [...otherNodes(src), ...extra] : [];
  if (enc === 'json') {
    sink.push('{"ietf-restconf:data":{');
    const w = new JsonChunks();
    const wrote = await pump(managedSystemJson(root, doc, opts, w, moduleOf), w, sink, turns);
    if (wrote && rest.length) sink.push(',');
    await writeMembers(rest, RESTCONF_NS, moduleOf, sink, turns);
    sink.push('}}');
    return;
  }
  sink.push(`<data xmlns="${RESTCONF_NS}">`);
  const x = new XmlChunks();
  await pump(managedSystemWrites(root, doc, opts, x), x, sink, turns);
  await writeNodesXml(rest, RESTCONF_NS, sink, turns);
  sink.push('</data>');
}
