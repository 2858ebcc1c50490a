/**
 * RFC 7951 JSON text of YANG data written in slices: the same text as JSON.stringify(membersJson(...)) (json.ts),
 * produced member by member into a sink, giving the event loop back between slices (src/http/turns.ts), so that a
 * read of the whole datastore at a thousand nodes neither holds the event loop nor builds one object of megabytes.
 */
import type { DNode } from '../netconf/data';
import type { Turns } from '../turns';
import { isArrayMember, leafJson } from './json';
import type { ModuleOfNs } from './json';

/** Where the text goes (a string, or text already in UTF-8): push it; flush when full (ChunkedReply, or an array of parts). */
export interface TextSink {
  push(text: string | Buffer): void;
  readonly full: boolean;
  flush(): Promise<void>;
}

/** The members of one object: runs of same-named siblings, or (when a name comes back after another) groups by name. */
function membersOf(nodes: readonly DNode[], parentNs: string, moduleOf: ModuleOfNs): [string, DNode[]][] {
  const keyOf = (n: DNode): string => (n.ns === parentNs ? n.name : `${moduleOf(n.ns)}:${n.name}`);
  const out: [string, DNode[]][] = [];
  const seen = new Set<string>();
  for (let i = 0; i < nodes.length;) {
    const first = nodes[i];
    let j = i + 1;
    while (j < nodes.length && nodes[j].name === first.name && nodes[j].ns === first.ns) j++;
    const key = keyOf(first);
    if (seen.has(key)) return grouped(nodes, keyOf);
    seen.add(key);
    out.push([key, nodes.slice(i, j)]);
    i = j;
  }
  return out;
}

function grouped(nodes: readonly DNode[], keyOf: (n: DNode) => string): [string, DNode[]][] {
  const groups = new Map<string, DNode[]>();
  for (const n of nodes) {
    const key = keyOf(n);
    const g = groups.get(key);
    if (g) g.push(n); else groups.set(key, [n]);
  }
  return [...groups];
}

/** Writes the object of members of nodes (the text of JSON.stringify(membersJson(nodes, parentNs, moduleOf))). */
export async function writeMembersJson(nodes: readonly DNode[], parentNs: string, moduleOf: ModuleOfNs, sink: TextSink, turns: Turns): Promise<void> {
  sink.push('{');
  await writeMembers(nodes, parentNs, moduleOf, sink, turns);
  sink.push('}');
}

/** The members of that object without its braces (more members of an object whose first ones were written otherwise). */
export async function writeMembers(nodes: readonly DNode[], parentNs: string, moduleOf: ModuleOfNs, sink: TextSink, turns: Turns): Promise<void> {
  let first = true;
  for (const [key, g] of membersOf(nodes, parentNs, moduleOf)) {
    sink.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
    first = false;
    if (!isArrayMember(g[0], g.length)) { await writeValue(g[0], moduleOf, sink, turns); continue; }
    sink.push('[');
    for (let k = 0; k < g.length; k++) {
      if (k) sink.push(',');
      await writeValue(g[k], moduleOf, sink, turns);
    }
    sink.push(']');
  }
}

async function writeValue(n: DNode, moduleOf: ModuleOfNs, sink: TextSink, turns: Turns): Promise<void> {
  if (n.value !== undefined) { sink.push(JSON.stringify(leafJson(n, moduleOf))); return; }
  if (sink.full) await sink.flush();
  if (turns.due()) await turns.next();
  await writeMembersJson(n.children ?? [], n.ns, moduleOf, sink, turns);
}

/** A sink that keeps the text (for tests and small replies). */
export class TextParts implements TextSink {
  readonly parts: string[] = [];
  readonly full = false;
  push(text: string): void { this.parts.push(text); }
  async flush(): Promise<void> { /* kept until text() */ }
  text(): string { return this.parts.join(''); }
}
