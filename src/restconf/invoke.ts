/**
 * Operations by POST (RFC 8040 sections 3.6 and 4.4.2): YANG actions as POST {+restconf}/data/<path>/<action> and
 * RPCs as POST {+restconf}/operations/<module>:<rpc>, with the input as "module:input" (JSON, RFC 7951) or <input>
 * (XML), and the output the same way (200) or no content (204). Each runs as the NETCONF <action> or RPC of a
 * one-shot session of the same user (the RPC layer's access check, handlers and audit); its rpc-errors come back
 * as the RESTCONF errors of their tags (403 access-denied for a read-only user, 400 invalid-value ...).
 */
import { inner, leaf, nodesToXml } from '../netconf/data';
import type { DNode } from '../netconf/data';
import { MalformedMessageError } from '../netconf/errors';
import { NCM_NS, YANG1_NS } from '../netconf/namespaces';
import { XmlParseError, parseXml } from '../netconf/xml';
import type { XmlElement } from '../netconf/xml';
import { jsonToNodes, parseJsonBody, replyErrors, wrapInAncestors } from './edit';
import { RESTCONF_NS, badQuery } from './errors';
import { membersJson } from './json';
import type { ModuleOfNs } from './json';
import type { Encoding } from './media';

/** The RPCs of the implemented modules that RESTCONF offers (the NETCONF protocol operations are not, RFC 8040 3.3.2). */
export const RESTCONF_RPCS: readonly { readonly module: string; readonly ns: string; readonly name: string }[] = [
  { module: 'ietf-netconf-monitoring', ns: NCM_NS, name: 'get-schema' },
];

/** An XML element as DNodes (leaves: its text). */
function xmlNode(el: XmlElement, depth = 0): DNode {
  if (depth > 32) throw badQuery('the body is nested deeper than 32 levels');
  return el.children.length ? inner(el.name, el.ns, el.children.map((c) => xmlNode(c, depth + 1))) : leaf(el.name, el.ns, el.text);
}

/**
 * The input leaves of an operation body: {"module:input": {...}} or <input xmlns="...">...</input> in the
 * operation's namespace; an empty body is no input.
 */
export function parseInput(body: string, enc: Encoding, ns: string, nsOfModule: (m: string) => string | undefined): DNode[] {
  if (!body.trim()) return [];
  let top: DNode[];
  if (enc === 'json') top = jsonToNodes(parseJsonBody(body), '', nsOfModule);
  else {
    try { top = [xmlNode(parseXml(body))]; } catch (e) {
      if (e instanceof XmlParseError) throw new MalformedMessageError(`the body is not well-formed XML: ${e.message}`);
      throw e;
    }
  }
  if (top.length !== 1 || top[0].name !== 'input' || top[0].ns !== ns || top[0].value !== undefined) {
    throw badQuery('the body of an operation is its input container ("module:input" in JSON, <input> in XML, in the namespace of the operation)');
  }
  return [...(top[0].children ?? [])];
}

/** The <action> operation of an action at the end of a data node path (ancestors: the path's entries with their keys). */
export function actionOperation(ancestors: readonly DNode[], name: string, ns: string, input: readonly DNode[]): string {
  return `<action xmlns="${YANG1_NS}">${wrapInAncestors([inner(name, ns, input)], ancestors)}</action>`;
}

/** The RPC element of an operation. */
export function rpcOperation(name: string, ns: string, input: readonly DNode[]): string {
  return nodesToXml([inner(name, ns, input)]);
}

/** The output of an <rpc-reply>: its data nodes (none for <ok/>); its first rpc-error is thrown. */
export function replyOutput(reply: string): DNode[] {
  const errs = replyErrors(reply);
  if (errs.length) throw errs[0];
  return parseXml(reply).children.filter((c) => c.name !== 'ok').map((c) => xmlNode(c));
}

/** The output document: "module:output" in JSON, <output> in XML, in the operation's namespace. */
export function outputReply(nodes: readonly DNode[], ns: string, enc: Encoding, moduleOf: ModuleOfNs): string {
  const out = inner('output', ns, nodes);
  if (enc === 'json') return JSON.stringify(membersJson([out], RESTCONF_NS, moduleOf));
  return nodesToXml([out]);
}
