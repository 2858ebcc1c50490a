/**
 * The server's own state as YANG data for <get>: ietf-yang-library (RFC 8525 /yang-library and the RFC 7895
 * /modules-state that older clients read) and ietf-netconf-monitoring (RFC 6022 /netconf-state: capabilities,
 * datastores with their locks, schemas for get-schema, sessions, statistics) and the event streams of RFC 5277
 * (/netconf/streams of nc-notifications).
 */
import { inner, leaf } from './data';
import type { DNode } from './data';
import type { ModuleCatalogue } from './modules';
import { DS_NS, NCM_NS, NETMOD_NOTIF_NS, YANGLIB_NS } from './namespaces';

/** A leaf-list value (marked so for RESTCONF JSON, which writes leaf-lists as arrays). */
const listed = (name: string, ns: string, value: string): DNode => leaf(name, ns, value, undefined, { type: { base: 'text' }, value, multi: true });

export function yangLibraryNodes(cat: ModuleCatalogue): DNode[] {
  const L = YANGLIB_NS;
  const implemented = cat.modules.filter((m) => m.conformance === 'implement');
  const imported = cat.modules.filter((m) => m.conformance === 'import');
  const moduleSet = inner('module-set', L, [
    leaf('name', L, 'complete'),
    ...implemented.map((m) => inner('module', L, [
      leaf('name', L, m.name),
      ...(m.revision ? [leaf('revision', L, m.revision)] : []),
      leaf('namespace', L, m.namespace),
      ...m.features.map((f) => listed('feature', L, f)),
    ], 1)),
    ...imported.map((m) => inner('import-only-module', L, [
      leaf('name', L, m.name),
      leaf('revision', L, m.revision),
      leaf('namespace', L, m.namespace),
    ], 2)),
  ], 1);
  const ds = (name: string): DNode => inner('datastore', L, [leaf('name', L, `ds:${name}`, DS_NS), leaf('schema', L, 'complete')], 1);
  const yangLibrary = inner('yang-library', L, [
    moduleSet,
    inner('schema', L, [leaf('name', L, 'complete'), listed('module-set', L, 'complete')], 1),
    ds('running'), ds('startup'), ds('operational'),
    leaf('content-id', L, cat.contentId),
  ]);
  const modulesState = inner('modules-state', L, [
    leaf('module-set-id', L, cat.contentId),
    ...cat.modules.map((m) => inner('module', L, [
      leaf('name', L, m.name),
      leaf('revision', L, m.revision),
      leaf('namespace', L, m.namespace),
      ...m.features.map((f) => listed('feature', L, f)),
      leaf('conformance-type', L, m.conformance),
    ], 2)),
  ]);
  return [yangLibrary, modulesState];
}

export interface SessionInfo {
  readonly id: number;
  readonly transport: 'ssh' | 'http';
  readonly username: string;
  readonly sourceHost: string;
  readonly loginTime: number;
  readonly inRpcs: number;
  readonly inBadRpcs: number;
  readonly outRpcErrors: number;
  readonly outNotifications: number;
}

export interface Statistics {
  readonly startTime: number;
  readonly inBadHellos: number;
  readonly inSessions: number;
  readonly droppedSessions: number;
  readonly inRpcs: number;
  readonly inBadRpcs: number;
  readonly outRpcErrors: number;
  readonly outNotifications: number;
}

export interface MonitoringState {
  readonly capabilities: readonly string[];
  readonly locks: ReadonlyMap<string, { readonly session: number; readonly time: number }>;
  readonly sessions: readonly SessionInfo[];
  readonly stats: Statistics;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function netconfStateNode(cat: ModuleCatalogue, s: MonitoringState): DNode {
  const M = NCM_NS;
  const datastore = (name: string): DNode => {
    const l = s.locks.get(name);
    return inner('datastore', M, [
      leaf('name', M, name),
      ...(l ? [inner('locks', M, [inner('global-lock', M, [leaf('locked-by-session', M, String(l.session)), leaf('locked-time', M, iso(l.time))])])] : []),
    ], 1);
  };
  return inner('netconf-state', M, [
    inner('capabilities', M, s.capabilities.map((c) => leaf('capability', M, c))),
    inner('datastores', M, [datastore('running'), datastore('startup')]),
    inner('schemas', M, cat.modules.filter((m) => m.file).map((m) => inner('schema', M, [
      leaf('identifier', M, m.name), leaf('version', M, m.revision), leaf('format', M, 'yang'),
      leaf('namespace', M, m.namespace), leaf('location', M, 'NETCONF'),
    ], 3))),
    inner('sessions', M, s.sessions.filter((x) => x.transport === 'ssh').map((x) => inner('session', M, [
      leaf('session-id', M, String(x.id)), leaf('transport', M, 'netconf-ssh'), leaf('username', M, x.username),
      ...(x.sourceHost ? [leaf('source-host', M, x.sourceHost)] : []),
      leaf('login-time', M, iso(x.loginTime)), leaf('in-rpcs', M, String(x.inRpcs)), leaf('in-bad-rpcs', M, String(x.inBadRpcs)),
      leaf('out-rpc-errors', M, String(x.outRpcErrors)), leaf('out-notifications', M, String(x.outNotifications)),
    ], 1))),
    inner('statistics', M, [
      leaf('netconf-start-time', M, iso(s.stats.startTime)), leaf('in-bad-hellos', M, String(s.stats.inBadHellos)),
      leaf('in-sessions', M, String(s.stats.inSessions)), leaf('dropped-sessions', M, String(s.stats.droppedSessions)),
      leaf('in-rpcs', M, String(s.stats.inRpcs)), leaf('in-bad-rpcs', M, String(s.stats.inBadRpcs)),
      leaf('out-rpc-errors', M, String(s.stats.outRpcErrors)), leaf('out-notifications', M, String(s.stats.outNotifications)),
    ]),
  ]);
}

/** The event streams (RFC 5277 section 3.2.5): the NETCONF stream only, without replay. */
export function streamsNode(): DNode {
  const N = NETMOD_NOTIF_NS;
  return inner('netconf', N, [inner('streams', N, [inner('stream', N, [
    leaf('name', N, 'NETCONF'),
    leaf('description', N, 'Default NETCONF event stream: the model events of blockchain-mgmt (new-block, reorg, node-added, node-removed, ' +
      'node-reachability-changed) and ietf-alarms alarm-notification'),
    leaf('replaySupport', N, 'false'),
  ], 1)])]);
}
