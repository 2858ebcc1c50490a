/**
 * <rpc-reply> documents: the opening tag (carrying every attribute of the <rpc>, RFC 6241 section 4.2),
 * <ok/>, <data> and <rpc-error> replies.
 */
import { nodesToXml, nodesToXmlAsync } from './data';
import type { DNode } from './data';
import type { NetconfError } from './errors';
import { NC_NS } from './namespaces';
import type { Handled } from './session';
import { escapeAttr } from './xml';
import type { XmlElement } from './xml';
import { XmlChunks, chunksOf, nodeWrites } from './xml-chunks';

export function replyOpen(rpc: XmlElement | undefined): string {
  if (!rpc) return `<rpc-reply xmlns="${NC_NS}">`;
  // the reply carries every attribute of the rpc (RFC 6241 section 4.2)
  const decls = new Map<string, string>();
  const attrs = rpc.attrs.map((a) => {
    if (!a.ns) return ` ${a.name}="${escapeAttr(a.value)}"`;
    decls.set(a.prefix, a.ns);
    return ` ${a.prefix}:${a.name}="${escapeAttr(a.value)}"`;
  }).join('');
  const d = [...decls].filter(([p]) => p !== 'xml').map(([p, u]) => ` xmlns:${p}="${escapeAttr(u)}"`).join('');
  return `<rpc-reply xmlns="${NC_NS}"${d}${attrs}>`;
}

/** The <rpc-reply> carrying an <rpc-error> (the caller counts it). */
export function errorReplyXml(rpc: XmlElement | undefined, e: NetconfError): string {
  return `${replyOpen(rpc)}${e.toXml()}</rpc-reply>`;
}

export function ok(rpc: XmlElement, after?: () => void): Handled {
  return { reply: `${replyOpen(rpc)}<ok/></rpc-reply>`, after };
}

export function data(rpc: XmlElement, nodes: readonly DNode[]): Handled {
  return { reply: `${replyOpen(rpc)}<data>${nodesToXml(nodes, NC_NS)}</data></rpc-reply>` };
}

/** data() written in slices that give the event loop back (nodesToXmlAsync): for <get> and <get-config>. */
export async function dataAsync(rpc: XmlElement, nodes: readonly DNode[]): Promise<Handled> {
  return { reply: `${replyOpen(rpc)}<data>${await nodesToXmlAsync(nodes, NC_NS)}</data></rpc-reply>` };
}

/**
 * A <data> reply written in chunks (Handled.stream): first what writeFirst writes into the chunk writer (one step
 * per list entry; e.g. /managed-system straight from the tree), then the nodes of rest (built before: small). The
 * chunks are lent (xml-chunks.ts giveBack).
 */
export function dataStream(rpc: XmlElement, writeFirst: ((w: XmlChunks) => Iterator<void, void, void>) | undefined, rest: readonly DNode[]): Handled {
  const open = `${replyOpen(rpc)}<data>`;
  async function* chunks(): AsyncGenerator<Buffer, void, void> {
    const w = new XmlChunks();
    w.write(open);
    if (writeFirst) yield* chunksOf(writeFirst(w), w);
    yield* chunksOf(nodeWrites(rest, NC_NS, w), w);
    w.write('</data></rpc-reply>');
    yield w.lend();
  }
  return { stream: chunks() };
}
