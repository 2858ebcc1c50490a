/**
 * The RESTCONF view (RFC 8040): its routes (router.ts) mounted on the bridge's HTTP server, fed by the RPC layer
 * through the RestconfRpc interface (the NETCONF server implements it): data and the module catalogue, one-shot
 * operations of a user (edit-config, actions, RPCs: the same checks, commit and audit as NETCONF), and the
 * notifications of the NETCONF stream.
 *
 *   mountRestconf(http, netconfView.rpc);
 */
import type { HttpHost } from '../http/server';
import type { User } from '../netconf/auth';
import { restconfRouter } from './router';
import type { RestconfRpc } from './router';

export type { RestconfRpc } from './router';

export function mountRestconf(http: HttpHost<User>, rpc: RestconfRpc): void {
  http.mount(restconfRouter(rpc, {
    authenticate: (req) => http.authenticate(req),
    realm: http.realm,
    log: http.log,
    readBody: (req) => http.readBody(req),
    edit: (user, config, defaultOperation) => rpc.editRunning(user, 'http', '', config, defaultOperation),
    maxStreamClients: () => http.limits.maxSessions(),
  }));
}
