/**
 * The data RESTCONF reads, built by the NETCONF data renderers (src/netconf/render.ts, monitoring.ts): our
 * module's /managed-system (configuration from the running datastore, state from the instance tree), the
 * ietf-alarms list and the YANG library. content=config is the configuration alone; content=nonconfig is the
 * whole tree without the configuration leaves (list keys stay, to name the entries).
 *
 * A read builds only what it returns: the target resource of the path and the fields asked for are a projection
 * (src/netconf/projection.ts) that the renderer of /managed-system follows (list entries looked up by key), and the
 * other top-level trees are built only when named.
 */
import type { Bridge } from '../bridge';
import { inner } from '../netconf/data';
import type { DNode } from '../netconf/data';
import type { ModuleCatalogue } from '../netconf/modules';
import { yangLibraryNodes } from '../netconf/monitoring';
import { ALL, projectNodes, topProjection } from '../netconf/projection';
import type { Projection } from '../netconf/projection';
import { externalNodes, managedSystemNodeAsync } from '../netconf/render';
import { parseFields } from './fields';
import { selectNode } from './path';
import type { ModuleOf, PathStep } from './path';
import type { Content, DataQuery, WithDefaults } from './query';

/** What RESTCONF reads of the RPC layer (NetconfServer has it). */
export interface RestconfSource {
  readonly bridge: Bridge;
  readonly catalogue: ModuleCatalogue;
  readonly nsOf: (prefix: string) => string;
}

const wanted = (p: Projection, ...names: string[]): boolean => p === ALL || names.some((n) => p.kids.has(n));

async function configNodes(src: RestconfSource, withDefaults: WithDefaults, proj: Projection): Promise<DNode[]> {
  if (!wanted(proj, 'managed-system')) return [];
  const n = await managedSystemNodeAsync(undefined, src.bridge.datastore.read('running'), { state: false, withDefaults }, topProjection(proj, 'managed-system'));
  return n.children?.length ? [n] : [];
}

async function allNodes(src: RestconfSource, withDefaults: WithDefaults, proj: Projection): Promise<DNode[]> {
  const root = src.bridge.tree.root;
  const out: DNode[] = [];
  if (wanted(proj, 'managed-system')) out.push(await managedSystemNodeAsync(root, src.bridge.datastore.read('running'), { state: true, withDefaults }, topProjection(proj, 'managed-system')));
  out.push(...otherNodes(src, proj));
  return out;
}

/** The top-level data nodes besides /managed-system: the alarm list and the YANG library (the part a projection names). */
export function otherNodes(src: RestconfSource, proj: Projection = ALL): DNode[] {
  const root = src.bridge.tree.root;
  const al = src.catalogue.namespaceOfPrefix('al');
  const out: DNode[] = [];
  if (al && wanted(proj, 'alarms')) out.push(...projectNodes(externalNodes(root, src.nsOf), proj === ALL ? ALL : { kids: new Map([['alarms', proj.kids.get('alarms')!]]) }));
  if (wanted(proj, 'yang-library', 'modules-state')) out.push(...projectNodes(yangLibraryNodes(src.catalogue), proj === ALL ? ALL : { kids: new Map([...proj.kids].filter(([n]) => n !== 'managed-system' && n !== 'alarms')) }));
  return out;
}

const keyOf = (n: DNode): string => {
  const keys = (n.children ?? []).slice(0, n.keyCount ?? 0).map((k) => k.value).join('\u0000');
  return `${n.ns}\u0001${n.name}\u0001${keys}`;
};

/** nodes without the leaves that config holds at the same place (keys kept); containers left empty are dropped. */
export function withoutConfig(nodes: readonly DNode[], config: readonly DNode[]): DNode[] {
  const byKey = new Map(config.map((c) => [keyOf(c), c]));
  const out: DNode[] = [];
  for (const n of nodes) {
    const c = byKey.get(keyOf(n));
    if (n.value !== undefined) { if (!c) out.push(n); continue; }
    if (!c) { out.push(n); continue; }
    const kids = n.children ?? [];
    const keyCount = n.keyCount ?? 0;
    const rest = withoutConfig(kids.slice(keyCount), (c.children ?? []).slice(keyCount));
    if (rest.length) out.push(inner(n.name, n.ns, [...kids.slice(0, keyCount), ...rest], n.keyCount));
  }
  return out;
}

/**
 * The top-level data nodes for a content parameter, the part a projection names (everything by default); /managed-system
 * is built in slices that give the event loop back (managedSystemNodeAsync).
 */
export async function dataNodes(src: RestconfSource, content: Content, withDefaults: WithDefaults, proj: Projection = ALL): Promise<DNode[]> {
  if (content === 'config') return configNodes(src, withDefaults, proj);
  const all = await allNodes(src, withDefaults, proj);
  return content === 'all' ? all : withoutConfig(all, await configNodes(src, withDefaults, proj));
}

/** The projection of the top-level nodes that leads along a resource path (each list entry by its keys) to target, where it is sub. */
export function pathProjection(steps: readonly PathStep[], target: Projection): Projection {
  let p = target;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    p = { kids: new Map([[s.name, [{ match: new Map(), sub: p, ...(s.keys ? { keys: s.keys } : {}) }]]]) };
  }
  return p;
}

/**
 * The data a GET returns: the datastore's top-level nodes (and extra ones: the RESTCONF monitoring state), or the
 * target of the path; with a fields expression, only the fields selected (the target with its keys, at the
 * datastore level the top-level nodes named).
 */
export async function readData(src: RestconfSource, steps: readonly PathStep[], q: DataQuery, nsOfModule: (module: string) => string | undefined,
  moduleOf?: ModuleOf, extra: readonly DNode[] = []): Promise<DNode[]> {
  const fields = q.fields === undefined ? ALL : parseFields(q.fields, steps, nsOfModule);
  const proj = pathProjection(steps, fields);
  const nodes = [...await dataNodes(src, q.content, q.withDefaults, proj), ...projectNodes(extra, proj)];
  if (!steps.length) return projectNodes(nodes, fields);
  const target = selectNode(nodes, steps, moduleOf);
  if (fields === ALL || target.value !== undefined) return [target];
  const kc = target.keyCount ?? 0;
  const kids = target.children ?? [];
  return [{ ...target, children: [...kids.slice(0, kc), ...projectNodes(kids.slice(kc), fields)] }];
}
