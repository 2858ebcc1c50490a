/**
 * XML text of YANG data written in slices: the same text as nodesToXml (src/netconf/data.ts), produced entry by
 * entry into a sink (json-text.ts), giving the event loop back between slices. A node whose children are all leaves
 * is written whole by nodesToXml's own writer; only the containers above them are opened and closed here.
 */
import { writeNodes } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { escapeText } from '../netconf/xml';
import type { Turns } from '../turns';
import type { TextSink } from './json-text';

const hasInnerChild = (n: DNode): boolean => (n.children ?? []).some((c) => c.value === undefined);

/** Writes nodes as XML (the text of nodesToXml(nodes, parentNs)). */
export async function writeNodesXml(nodes: readonly DNode[], parentNs: string, sink: TextSink, turns: Turns): Promise<void> {
  for (const n of nodes) {
    if (n.value !== undefined || !hasInnerChild(n)) {
      const out: string[] = [];
      writeNodes([n], parentNs, out);
      sink.push(out.join(''));
      continue;
    }
    if (sink.full) await sink.flush();
    if (turns.due()) await turns.next();
    sink.push(n.ns === parentNs ? `<${n.name}>` : `<${n.name} xmlns="${escapeText(n.ns)}">`);
    await writeNodesXml(n.children!, n.ns, sink, turns);
    sink.push(`</${n.name}>`);
  }
}
