/**
 * <edit-config> content applied to a configuration document (RFC 6241 section 7.2), and the reverse map
 * of the datastore's errors to YANG paths. Pure: it edits a copy of a document that the caller commits as
 * a whole (all or nothing).
 *
 *   operations   merge, replace, create (data-exists when present), delete (data-missing when absent),
 *                remove; on containers, list entries, leaves and leaf-list entries
 *   default      merge | replace | none (none: elements without an operation only locate; a list entry
 *                that does not exist is data-missing)
 *   errors       the first error ends the edit (stop-on-error, rollback-on-error); with continue-on-error the
 *                element in error (a leaf, a list entry, a container) is left out, its error recorded, and
 *                the other elements are applied
 *
 * Linear in the size of the edit: the entries of each list are found by key through a map (EntryIndex), and
 * a list or leaf-list that grows past its model maxElements is refused at once (operation-failed,
 * error-app-tag too-many-elements, RFC 7950 section 15.2), before the rest of the edit is read.
 */
import { RollbackFailedError, SaveFailedError } from '../config/datastore';
import { ConfigError, ListBoundError, fieldOf, validateScalar } from '../config/document';
import type { ConfigObject, ConfigScalar } from '../config/document';
import { modelIndex } from '../model';
import type { Attribute, ObjectClass } from '../model';
import { BadAttributeError, DataExistsError, DataMissingError, InvalidValueError, NetconfError, OperationFailedError, OperationNotSupportedError,
  UnknownElementError, UnknownNamespaceError, MissingElementError } from './errors';
import { NC_NS } from './namespaces';
import { OUR_NS, OUR_PREFIX, classYang, fromLeafText, pathStep, xpathLiteral } from './schema';
import { attr, resolveQName } from './xml';
import type { XmlElement } from './xml';

export type EditOperation = 'merge' | 'replace' | 'create' | 'delete' | 'remove';
export type DefaultOperation = 'merge' | 'replace' | 'none';
type Op = EditOperation | 'none';

const OPS = new Set(['merge', 'replace', 'create', 'delete', 'remove']);
const PATH_NS = { [OUR_PREFIX]: OUR_NS };

function opOf(el: XmlElement, inherited: Op): Op {
  const v = attr(el, 'operation', NC_NS);
  if (v === undefined) return inherited;
  if (!OPS.has(v)) throw new BadAttributeError('operation', el.name, `operation "${v}" is not one of merge, replace, create, delete, remove`);
  return v as EditOperation;
}

function scalarOf(a: Attribute, el: XmlElement, path: string): ConfigScalar {
  if (el.children.length) throw new InvalidValueError(`leaf ${el.name} must not have child elements`, { path, pathNamespaces: PATH_NS });
  const raw = fromLeafText(a.type, el.text, (q) => resolveQName(el, q));
  try {
    return validateScalar(a.type, raw, el.name);
  } catch (e) {
    if (e instanceof ConfigError) throw new InvalidValueError(`${el.name}: ${e.reason}`, { path, pathNamespaces: PATH_NS });
    throw e;
  }
}

function checkNs(el: XmlElement): void {
  if (el.ns !== OUR_NS) throw new UnknownNamespaceError(el.name, el.ns);
}

function isEmpty(o: ConfigObject): boolean { return Object.values(o).every((v) => v === undefined); }

/** A list or leaf-list over its maxElements, as the rpc-error of RFC 7950 section 15.2 (error-path: the list). */
function tooManyElements(e: ListBoundError, yangName: string, path: string): NetconfError {
  return new OperationFailedError(`${yangName} ${e.reason}`, { path, pathNamespaces: PATH_NS, appTag: 'too-many-elements' });
}

function entryKey(cy: ReturnType<typeof classYang>, values: readonly unknown[]): string {
  return cy.keys.length === 1 ? String(values[0]) : values.map(String).join('\u0000');
}

/** The entries of the lists of one instance being edited, by key, written back to the instance by flush(). */
class EntryIndex {
  private readonly lists = new Map<ObjectClass, Map<string, ConfigObject>>();
  constructor(private readonly obj: ConfigObject) {}

  entries(k: ObjectClass): Map<string, ConfigObject> {
    let m = this.lists.get(k);
    if (!m) {
      const cy = classYang(k);
      m = new Map();
      const cur = this.obj[fieldOf(k)];
      if (Array.isArray(cur)) for (const e of cur as ConfigObject[]) m.set(entryKey(cy, cy.keys.map((ka) => e[ka.name])), e);
      this.lists.set(k, m);
    }
    return m;
  }

  flush(): void {
    for (const [k, m] of this.lists) {
      if (m.size) this.obj[fieldOf(k)] = [...m.values()]; else delete this.obj[fieldOf(k)];
    }
  }
}

/** Several rpc-errors of one request (continue-on-error): one <rpc-reply> carries them all. */
export class RpcErrors extends NetconfError {
  constructor(readonly errors: readonly NetconfError[]) {
    super(errors[0].tag, errors.map((e) => e.message).join('; '), { ...errors[0].fields, type: errors[0].type });
  }

  override toXml(): string { return this.errors.map((e) => e.toXml()).join(''); }
}

/** Runs the edit of one element; when errors are collected (continue-on-error) its NetconfError is recorded instead. */
function element(errors: NetconfError[] | undefined, edit: () => void): void {
  if (!errors) { edit(); return; }
  try { edit(); } catch (e) {
    if (!(e instanceof NetconfError)) throw e;
    errors.push(e);
  }
}

/**
 * Applies the children of <config> to doc (modified in place). errors: continue-on-error, the NetconfErrors of
 * the elements left out are pushed there instead of thrown.
 */
export function applyEdit(doc: ConfigObject, config: XmlElement, defaultOp: DefaultOperation, errors?: NetconfError[]): void {
  for (const top of config.children) element(errors, () => applyTop(doc, top, defaultOp, errors));
}

function applyTop(doc: ConfigObject, top: XmlElement, defaultOp: DefaultOperation, errors: NetconfError[] | undefined): void {
  const rootCy = classYang(modelIndex.root);
  if (top.ns !== OUR_NS) {
    if (top.ns.startsWith('urn:ietf:params:xml:ns:yang:ietf-alarms')) {
      throw new OperationNotSupportedError('the alarm list is not configuration; alarm management is configured under /bcm:managed-system/bcm:fault',
        { path: `/${top.name}` });
    }
    throw new UnknownNamespaceError(top.name, top.ns);
  }
  if (top.name !== rootCy.name) throw new UnknownElementError(top.name, `${top.name} is not a top-level node of ${OUR_PREFIX}`, { path: `/${OUR_PREFIX}:${top.name}`, pathNamespaces: PATH_NS });
  const op = opOf(top, defaultOp);
  const path = `/${OUR_PREFIX}:${rootCy.name}`;
  if (op === 'delete' || op === 'remove') {
    if (op === 'delete' && isEmpty(doc)) throw new DataMissingError('the configuration is empty', { path, pathNamespaces: PATH_NS });
    for (const k of Object.keys(doc)) delete doc[k];
    return;
  }
  if (op === 'create' && !isEmpty(doc)) throw new DataExistsError('the configuration exists', { path, pathNamespaces: PATH_NS });
  if (op === 'replace') for (const k of Object.keys(doc)) delete doc[k];
  editChildren(modelIndex.root, doc, top, op === 'replace' || op === 'create' ? 'merge' : op, path, errors);
}

/** Applies the child elements of el (an instance of cls) to obj. */
function editChildren(cls: ObjectClass, obj: ConfigObject, el: XmlElement, inherited: Op, path: string, errors?: NetconfError[]): void {
  const cy = classYang(cls);
  const keyNames = new Set(cy.keys.map((k) => modelIndex.yangLeafName(k)));
  const index = new EntryIndex(obj);
  // leaf-list entries of one leaf-list are applied together (merge adds, replace of the parent rebuilt it)
  for (const c of el.children) element(errors, () => editChild(cls, cy, keyNames, obj, index, c, inherited, path, errors));
  index.flush();
}

function editChild(cls: ObjectClass, cy: ReturnType<typeof classYang>, keyNames: ReadonlySet<string>, obj: ConfigObject, index: EntryIndex,
  c: XmlElement, inherited: Op, path: string, errors: NetconfError[] | undefined): void {
  checkNs(c);
  const a = cy.leaves.get(c.name);
  if (a) {
    if (keyNames.has(c.name)) {
      const op = attr(c, 'operation', NC_NS);
      if (op !== undefined && op !== 'merge' && op !== 'replace') throw new BadAttributeError('operation', c.name, `operation ${op} on key leaf ${c.name}`, { path: `${path}/${OUR_PREFIX}:${c.name}`, pathNamespaces: PATH_NS });
      return; // keys locate the entry
    }
    editLeaf(a, obj, c, opOf(c, inherited), `${path}/${OUR_PREFIX}:${c.name}`);
    return;
  }
  const k = cy.children.get(c.name);
  if (k) {
    if (!classYang(k).config) throw new InvalidValueError(`${c.name} is state data (config false)`, { path: `${path}/${OUR_PREFIX}:${c.name}`, pathNamespaces: PATH_NS });
    if (k.kind === 'container') editContainer(k, obj, c, opOf(c, inherited), path, errors);
    else editListEntry(k, index.entries(k), c, opOf(c, inherited), path, errors);
    return;
  }
  if (cy.actions.has(c.name)) throw new InvalidValueError(`${c.name} is an action, not configuration`, { path: `${path}/${OUR_PREFIX}:${c.name}`, pathNamespaces: PATH_NS });
  throw new UnknownElementError(c.name, `${cls.name} has no node ${c.name}`, { path: `${path}/${OUR_PREFIX}:${c.name}`, pathNamespaces: PATH_NS });
}

function editLeaf(a: Attribute, obj: ConfigObject, el: XmlElement, op: Op, path: string): void {
  if (a.access !== 'config') throw new InvalidValueError(`${el.name} is state data (config false)`, { path, pathNamespaces: PATH_NS });
  const cur = obj[a.name];
  if (a.multi) {
    const list = Array.isArray(cur) ? [...(cur as unknown as string[])] : [];
    const v = op === 'delete' || op === 'remove' ? (el.text.trim() === '' && !el.children.length ? undefined : String(scalarOf(a, el, path))) : String(scalarOf(a, el, path));
    const entryPath = v === undefined ? path : `${path}[.=${xpathLiteral(v)}]`;
    const at = v === undefined ? -1 : list.indexOf(v);
    switch (op) {
      case 'none': return;
      case 'create': if (at >= 0) throw new DataExistsError(`${el.name} ${v} exists`, { path: entryPath, pathNamespaces: PATH_NS }); list.push(v!); break;
      case 'merge': case 'replace': if (at < 0) list.push(v!); break;
      case 'delete': case 'remove':
        if (v === undefined) { // the whole leaf-list
          if (op === 'delete' && !list.length) throw new DataMissingError(`${el.name} has no values`, { path, pathNamespaces: PATH_NS });
          list.length = 0;
          break;
        }
        if (at < 0) { if (op === 'delete') throw new DataMissingError(`${el.name} ${v} does not exist`, { path: entryPath, pathNamespaces: PATH_NS }); break; }
        list.splice(at, 1);
        break;
    }
    if (a.maxElements !== undefined && list.length > a.maxElements) {
      throw tooManyElements(new ListBoundError(el.name, a.name, a.maxElements), el.name, path);
    }
    if (list.length) obj[a.name] = list; else delete obj[a.name];
    return;
  }
  switch (op) {
    case 'none': return;
    case 'create':
      if (cur !== undefined) throw new DataExistsError(`${el.name} exists`, { path, pathNamespaces: PATH_NS });
      obj[a.name] = scalarOf(a, el, path);
      return;
    case 'merge': case 'replace': obj[a.name] = scalarOf(a, el, path); return;
    case 'delete':
      if (cur === undefined) throw new DataMissingError(`${el.name} does not exist`, { path, pathNamespaces: PATH_NS });
      forget(obj, a);
      return;
    case 'remove': forget(obj, a); return;
  }
}

/** Removes a leaf; a secret's field stays, undefined, so that keepStoredSecrets knows it was deleted on purpose. */
function forget(obj: ConfigObject, a: Attribute): void {
  if (a.secret) obj[a.name] = undefined; else delete obj[a.name];
}

function editContainer(k: ObjectClass, obj: ConfigObject, el: XmlElement, op: Op, parentPath: string, errors?: NetconfError[]): void {
  const path = `${parentPath}${pathStep(k)}`;
  const cur = obj[k.name];
  const exists = cur !== undefined && typeof cur === 'object' && !Array.isArray(cur) && !isEmpty(cur as ConfigObject);
  switch (op) {
    case 'delete':
      if (!exists) throw new DataMissingError(`${el.name} does not exist`, { path, pathNamespaces: PATH_NS });
      delete obj[k.name];
      return;
    case 'remove': delete obj[k.name]; return;
    case 'create':
      if (exists) throw new DataExistsError(`${el.name} exists`, { path, pathNamespaces: PATH_NS });
      obj[k.name] = {};
      editChildren(k, obj[k.name] as ConfigObject, el, 'merge', path, errors);
      break;
    case 'replace':
      obj[k.name] = {};
      editChildren(k, obj[k.name] as ConfigObject, el, 'merge', path, errors);
      break;
    case 'merge': case 'none': {
      // non-presence containers always exist: none locates through them too
      const target = (exists ? cur : {}) as ConfigObject;
      obj[k.name] = target;
      editChildren(k, target, el, op, path, errors);
      break;
    }
  }
  if (isEmpty(obj[k.name] as ConfigObject)) delete obj[k.name];
}

/** Applies one list entry element to the entries (by key) of its list in the parent instance. */
function editListEntry(k: ObjectClass, entries: Map<string, ConfigObject>, el: XmlElement, op: Op, parentPath: string, errors?: NetconfError[]): void {
  const cy = classYang(k);
  const keyValues: ConfigScalar[] = [];
  for (const ka of cy.keys) {
    const name = modelIndex.yangLeafName(ka);
    const kel = el.children.find((c) => c.name === name && c.ns === OUR_NS);
    if (!kel) throw new MissingElementError(name, `${el.name} needs its key ${name}`, { path: `${parentPath}${pathStep(k)}`, pathNamespaces: PATH_NS, type: 'application' });
    keyValues.push(scalarOf(ka, kel, `${parentPath}${pathStep(k)}/${OUR_PREFIX}:${name}`));
  }
  const path = `${parentPath}${pathStep(k, keyValues)}`;
  const key = entryKey(cy, keyValues);
  const existing = entries.get(key);
  const fresh = (): ConfigObject => {
    const o: ConfigObject = {};
    cy.keys.forEach((ka, i) => { o[ka.name] = keyValues[i]; });
    return o;
  };
  const describe = (): string => `${el.name} ${cy.keys.map((_, i) => String(keyValues[i])).join(',')}`;
  switch (op) {
    case 'delete': case 'remove':
      if (!existing) {
        if (op === 'delete') throw new DataMissingError(`${describe()} does not exist`, { path, pathNamespaces: PATH_NS });
        return;
      }
      entries.delete(key);
      return;
    case 'create': {
      if (existing) throw new DataExistsError(`${describe()} exists`, { path, pathNamespaces: PATH_NS });
      const o = fresh();
      editChildren(k, o, el, 'merge', path, errors);
      entries.set(key, o);
      break;
    }
    case 'replace': {
      const o = fresh();
      editChildren(k, o, el, 'merge', path, errors);
      entries.set(key, o);
      break;
    }
    case 'merge': {
      const o = existing ? structuredClone(existing) : fresh();
      editChildren(k, o, el, 'merge', path, errors);
      entries.set(key, o);
      break;
    }
    case 'none': {
      if (!existing) throw new DataMissingError(`${describe()} does not exist (default-operation none)`, { path, pathNamespaces: PATH_NS });
      const o = structuredClone(existing);
      editChildren(k, o, el, 'none', path, errors);
      entries.set(key, o);
      break;
    }
  }
  if (k.maxElements !== undefined && entries.size > k.maxElements) {
    throw tooManyElements(new ListBoundError(el.name, k.name, k.maxElements), el.name, `${parentPath}${pathStep(k)}`);
  }
}

// ---- datastore errors as YANG paths ------------------------------------------------------------------

/**
 * The YANG instance path of a ConfigError path ("networks[0].nodes[1].endpoint") in the document it was
 * raised on: /bcm:managed-system/bcm:network[bcm:name='dev']/bcm:node[bcm:name='n1']/bcm:endpoint.
 */
export function yangPathOf(doc: ConfigObject, errorPath: string): string {
  let cls = modelIndex.root;
  let obj: unknown = doc;
  let out = `/${OUR_PREFIX}:${classYang(cls).name}`;
  if (!errorPath) return out;
  for (const seg of errorPath.split('.')) {
    const m = /^([A-Za-z0-9]+)(?:\[(\d+)\])?$/.exec(seg);
    if (!m) return out;
    const [, field, idx] = m;
    const a = cls.attributes.find((x) => x.name === field);
    if (a) {
      out += `/${OUR_PREFIX}:${modelIndex.yangLeafName(a)}`;
      const v = (obj as ConfigObject | undefined)?.[field];
      if (a.multi && idx !== undefined && Array.isArray(v) && v[Number(idx)] !== undefined) out += `[.=${xpathLiteral(String(v[Number(idx)]))}]`;
      return out;
    }
    const child = modelIndex.childrenOf(cls).find((c) => fieldOf(c) === field);
    if (!child) return out;
    cls = child;
    const v = (obj as ConfigObject | undefined)?.[field];
    if (child.kind === 'list') {
      const entry = Array.isArray(v) && idx !== undefined ? (v[Number(idx)] as ConfigObject | undefined) : undefined;
      const keys = (child.keys ?? []).map((kn) => entry?.[kn]);
      out += keys.every((x) => x !== undefined && (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean'))
        ? pathStep(child, keys as ConfigScalar[]) : pathStep(child);
      obj = entry;
    } else {
      out += pathStep(child);
      obj = v;
    }
  }
  return out;
}

/** A datastore ConfigError as an rpc-error. */
export function configErrorToNetconf(e: ConfigError, doc: ConfigObject): NetconfError {
  const path = yangPathOf(doc, e.path);
  const f = { path, pathNamespaces: PATH_NS };
  // the store failed, not the document: RFC 6241 operation-failed, with the reason
  if (e instanceof SaveFailedError || e instanceof RollbackFailedError) return new OperationFailedError(e.message);
  if (e instanceof ListBoundError) return new OperationFailedError(e.message, { ...f, appTag: 'too-many-elements' });
  if (/is required/.test(e.reason)) return new DataMissingError(e.message, { ...f, appTag: 'missing-element' });
  if (/is not a configured/.test(e.reason)) return new DataMissingError(e.message, { ...f, appTag: 'instance-required' });
  if (/^duplicate /.test(e.reason)) return new DataExistsError(e.message, f);
  return new InvalidValueError(e.message, f);
}

