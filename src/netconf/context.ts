/**
 * What the operation modules see of the RPC layer (NetconfServer builds it): the bridge, the module
 * catalogue, the open sessions, the datastore locks and the server-wide counters.
 */
import type { Bridge } from '../bridge';
import type { LockTable } from './locks';
import type { ModuleCatalogue } from './modules';
import type { Statistics } from './monitoring';
import type { Session } from './session';

/** The server-wide counters of RFC 6022 /netconf-state/statistics, as the server updates them. */
export type Counters = { -readonly [K in keyof Statistics]: Statistics[K] };

export interface ServerContext {
  readonly bridge: Bridge;
  readonly catalogue: ModuleCatalogue;
  readonly sessions: ReadonlyMap<number, Session>;
  readonly locks: LockTable;
  readonly stats: Counters;
  /** Namespace of a standard module prefix used by the model (al, x733). */
  readonly nsOf: (prefix: string) => string;
  /** Ends a session: its locks are released, its subscription ends, the transport is closed. */
  closeSession(s: Session, reason: string, dropped?: boolean): void;
}
