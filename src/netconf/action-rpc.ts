/**
 * The YANG 1.1 <action> operation (RFC 7950 section 7.15.2): walks the data node path in the request, with
 * the key leaves of each list entry, down to an action with a registered handler (actions.ts), and runs it
 * with its input; the handler's output is the reply.
 */
import type { Bridge } from '../bridge';
import { modelIndex } from '../model';
import { actionHandler } from './actions';
import type { ActionRequest } from './actions';
import { BadElementError, MissingElementError, UnknownElementError, UnknownNamespaceError } from './errors';
import type { ModuleCatalogue } from './modules';
import { ok, replyOpen } from './reply';
import { EXTERNAL_LIST_KEYS, OUR_NS, OUR_PREFIX } from './schema';
import type { Handled, Session } from './session';
import { escapeAttr, escapeText } from './xml';
import type { XmlElement } from './xml';

function prefixOf(catalogue: ModuleCatalogue, ns: string): string | undefined {
  if (ns === OUR_NS) return OUR_PREFIX;
  return catalogue.byNamespace(ns)?.prefix;
}

/** A key value with an identityref-like "prefix:name" rewritten to the defining module's own prefix. */
function canonicalValue(catalogue: ModuleCatalogue, el: XmlElement): string {
  const t = el.text.trim();
  const m = /^([A-Za-z_][\w.-]*):([^\s:]+)$/.exec(t);
  if (!m) return el.text;
  const ns = el.scope.get(m[1]);
  const p = ns === undefined ? undefined : prefixOf(catalogue, ns);
  return p ? `${p}:${m[2]}` : el.text;
}

export async function action(bridge: Bridge, catalogue: ModuleCatalogue, s: Session, rpc: XmlElement, op: XmlElement): Promise<Handled> {
  if (op.children.length !== 1) throw new BadElementError('action', '<action> holds exactly one data node path');
  let el = op.children[0];
  let schemaPath = '';
  let instancePath = '';
  const pathNs: Record<string, string> = {};
  const keys: { list: string; values: Record<string, string> }[] = [];
  for (let depth = 0; depth < 64; depth++) {
    const prefix = prefixOf(catalogue, el.ns);
    if (!prefix) throw new UnknownNamespaceError(el.name, el.ns);
    pathNs[prefix] = el.ns;
    const step = `${prefix}:${el.name}`;
    const here = `${schemaPath}/${step}`;
    const handler = actionHandler(here, bridge);
    if (handler) {
      const input: Record<string, string> = {};
      const collect = (parent: XmlElement, depth: number): void => {
        for (const c of parent.children) {
          if (c.children.length) {
            if (depth >= 8) throw new BadElementError(c.name, 'action input nested too deep');
            collect(c, depth + 1);
            continue;
          }
          if (input[c.name] !== undefined) throw new BadElementError(c.name, `input ${c.name} given twice`);
          input[c.name] = canonicalValue(catalogue, c);
        }
      };
      collect(el, 0);
      const req: ActionRequest = { path: here, keys, input, user: s.username, role: s.role, sessionId: s.id, bridge,
        instancePath, pathNamespaces: pathNs };
      const out = await handler(req);
      if (!out || !Object.keys(out).length) return ok(rpc);
      const leaves = Object.entries(out).map(([k, v]) => `<${k} xmlns="${escapeAttr(el.ns)}">${escapeText(v)}</${k}>`).join('');
      return { reply: `${replyOpen(rpc)}${leaves}</rpc-reply>` };
    }
    // descend: the key leaves of a list entry, and one node below
    const keyNames = keyNamesAt(here);
    const values: Record<string, string> = {};
    let next: XmlElement | undefined;
    for (const c of el.children) {
      const cp = prefixOf(catalogue, c.ns);
      const q = `${cp ?? '?'}:${c.name}`;
      if (keyNames.includes(q) && !c.children.length) { values[q] = canonicalValue(catalogue, c); continue; }
      if (next) throw new BadElementError(c.name, `<action> selects one node; ${el.name} has more than one child besides its keys`);
      next = c;
    }
    if (!next) throw new MissingElementError(el.name, `no action found below ${here}`, { path: instancePath || here, pathNamespaces: pathNs });
    schemaPath = here;
    if (keyNames.length) {
      for (const k of keyNames) if (values[k] === undefined) throw new MissingElementError(k.split(':')[1], `${el.name} needs its key ${k}`, { path: here, pathNamespaces: pathNs });
      keys.push({ list: here, values });
      instancePath += `/${step}${keyNames.map((k) => `[${k}=${quote(values[k])}]`).join('')}`;
    } else instancePath += `/${step}`;
    el = next;
  }
  throw new BadElementError(el.name, 'the action path is too deep');
}

/** Key leaves (prefixed) of the list at a schema path, or [] for a container / unknown node. */
function keyNamesAt(schemaPath: string): string[] {
  const ext = EXTERNAL_LIST_KEYS[schemaPath];
  if (ext) return [...ext];
  const cls = modelIndex.model.classes.find((c) => !c.yangExternal && modelIndex.yangPath(c) === schemaPath);
  if (!cls) {
    if (isKnownPrefixPath(schemaPath)) return [];
    throw new UnknownElementError(schemaPath.split('/').pop()!.split(':')[1] ?? schemaPath, `${schemaPath} is not a data node with actions`);
  }
  return (cls.keys ?? []).map((k) => `${OUR_PREFIX}:${modelIndex.yangLeafName(modelIndex.attr(cls, k))}`);
}

function isKnownPrefixPath(schemaPath: string): boolean {
  // containers on the way to the standard lists (/al:alarms, /al:alarms/al:alarm-list)
  return Object.keys(EXTERNAL_LIST_KEYS).some((p) => p.startsWith(`${schemaPath}/`));
}

function quote(v: string): string {
  if (!v.includes('\'')) return `'${v}'`;
  return `"${v}"`;
}
