/**
 * The data RESTCONF reads, built by the NETCONF data renderers (src/netconf/render.ts, monitoring.ts): our
 * module's /managed-system (configuration from the running datastore, state from the instance tree), the
 * ietf-alarms list and the YANG library. content=config is the configuration alone; content=nonconfig is the
 * whole tree without the configuration leaves (list keys stay, to name the entries).
 */
import type { Bridge } from '../bridge';
import { inner } from '../netconf/data';
import type { DNode } from '../netconf/data';
import type { ModuleCatalogue } from '../netconf/modules';
import { yangLibraryNodes } from '../netconf/monitoring';
import { externalNodes, managedSystemNode } from '../netconf/render';
import type { Content, WithDefaults } from './query';

/** What RESTCONF reads of the RPC layer (NetconfServer has it). */
export interface RestconfSource {
  readonly bridge: Bridge;
  readonly catalogue: ModuleCatalogue;
  readonly nsOf: (prefix: string) => string;
}

function configNodes(src: RestconfSource, withDefaults: WithDefaults): DNode[] {
  const n = managedSystemNode(undefined, src.bridge.datastore.get('running'), { state: false, withDefaults });
  return n.children?.length ? [n] : [];
}

function allNodes(src: RestconfSource, withDefaults: WithDefaults): DNode[] {
  const root = src.bridge.tree.root;
  const al = src.catalogue.namespaceOfPrefix('al');
  return [
    managedSystemNode(root, src.bridge.datastore.get('running'), { state: true, withDefaults }),
    ...(al ? externalNodes(root, src.nsOf) : []),
    ...yangLibraryNodes(src.catalogue),
  ];
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

/** The top-level data nodes for a content parameter. */
export function dataNodes(src: RestconfSource, content: Content, withDefaults: WithDefaults): DNode[] {
  if (content === 'config') return configNodes(src, withDefaults);
  const all = allNodes(src, withDefaults);
  return content === 'all' ? all : withoutConfig(all, configNodes(src, withDefaults));
}
