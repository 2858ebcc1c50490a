/**
 * YANG 1.1 actions (<action xmlns="urn:ietf:params:xml:ns:yang:1">) and the registry of their handlers.
 *
 * Other parts of the bridge register handlers for actions the NETCONF layer does not run itself, by the
 * action's schema path with the prefixes of the modules that define the nodes; the fault module, for RFC
 * 8632's set-operator-state:
 *
 *   import { registerActionHandler, InvalidValueError } from '../netconf';
 *   const off = registerActionHandler('/al:alarms/al:alarm-list/al:alarm/al:set-operator-state', async (req) => {
 *     const { values } = req.keys[0];          // { 'al:resource': 'network/dev/node/n1', 'al:alarm-type-id': 'bcm:node-unreachable', 'al:alarm-type-qualifier': '' }
 *     const state = req.input.state;            // 'ack' | 'closed' | ... (text as sent)
 *     ... // throw a NetconfError (InvalidValueError, DataMissingError...) to refuse
 *   }, bridge);                                 // scope: only NETCONF views of this bridge use it (omit: all)
 *
 * Key and identityref values are given with the defining module's own prefix whatever prefix the client
 * used. Handlers run only for users with the admin role. What a handler returns (leaf name → text) is the
 * action's output, rendered in the namespace of the action.
 *
 * The node actions of the model (add-peer, remove-peer, set-network-active, start-block-production,
 * stop-block-production, set-log-level) are registered here and run through the node's chain adapter.
 */
import { NodeNotFoundError } from '../bridge';
import type { Bridge } from '../bridge';
import type { NodeActionName, Scalar } from '../chains/adapter';
import { NotSupportedError, RpcError, TransportError, HttpStatusError, MalformedResponseError } from '../chains/errors';
import { ConfigError, validateScalar } from '../config/document';
import { kebab, modelIndex } from '../model';
import type { Action } from '../model';
import type { Role } from './auth';
import { DataMissingError, InvalidValueError, MissingElementError, NetconfError, OperationFailedError, OperationNotSupportedError } from './errors';
import { OUR_PREFIX, fromLeafText } from './schema';

export interface ActionRequest {
  /** Schema path of the action, prefixed: '/bcm:managed-system/bcm:network/bcm:node/bcm:add-peer'. */
  readonly path: string;
  /** Key values of each list instance on the way, outermost first: the list's schema path and its keys by prefixed name. */
  readonly keys: readonly { readonly list: string; readonly values: Readonly<Record<string, string>> }[];
  /** Input leaves by local name, as text; leaves inside input containers (purge-alarms' older-than...) are flattened. */
  readonly input: Readonly<Record<string, string>>;
  readonly user: string;
  readonly role: Role;
  readonly sessionId: number;
  readonly bridge: Bridge;
  /** Instance path of the action's parent, for error-path (e.g. /bcm:managed-system/bcm:network[bcm:name='dev']/...). */
  readonly instancePath: string;
  /** Namespaces of the prefixes used in instancePath. */
  readonly pathNamespaces: Readonly<Record<string, string>>;
}

export type ActionOutput = Readonly<Record<string, string>> | void;
export type ActionHandler = (req: ActionRequest) => Promise<ActionOutput> | ActionOutput;

interface Entry { readonly handler: ActionHandler; readonly scope?: object }
const registry = new Map<string, Entry[]>();

/**
 * Registers the handler of an action by its schema path. With a scope (a Bridge), only that bridge's
 * views use it, ahead of unscoped handlers. Returns a function that removes the registration.
 */
export function registerActionHandler(yangPath: string, handler: ActionHandler, scope?: object): () => void {
  const e: Entry = { handler, scope };
  const list = registry.get(yangPath) ?? [];
  list.unshift(e);
  registry.set(yangPath, list);
  return () => {
    const l = registry.get(yangPath);
    if (!l) return;
    const i = l.indexOf(e);
    if (i >= 0) l.splice(i, 1);
    if (!l.length) registry.delete(yangPath);
  };
}

/** The handler of an action path for a bridge, if any. */
export function actionHandler(yangPath: string, bridge: object): ActionHandler | undefined {
  const l = registry.get(yangPath);
  if (!l) return undefined;
  return (l.find((e) => e.scope === bridge) ?? l.find((e) => e.scope === undefined))?.handler;
}

export function isActionPath(yangPath: string, bridge: object): boolean {
  return actionHandler(yangPath, bridge) !== undefined;
}

// ---- node actions -----------------------------------------------------------------------------------

function chainErrorToNetconf(e: unknown, what: string): NetconfError {
  if (e instanceof NetconfError) return e;
  if (e instanceof NotSupportedError) return new OperationNotSupportedError(e.message);
  if (e instanceof RpcError) return new OperationFailedError(`${what}: the node refused: ${e.message}`);
  if (e instanceof TransportError || e instanceof HttpStatusError || e instanceof MalformedResponseError) {
    return new OperationFailedError(`${what}: the node did not answer: ${e.message}`);
  }
  if (e instanceof ConfigError) return new InvalidValueError(e.message);
  return new OperationFailedError(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/** Checks and converts the input of a model action. */
export function modelActionInput(action: Action, input: Readonly<Record<string, string>>, req: Pick<ActionRequest, 'instancePath' | 'pathNamespaces'>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  const names = new Map(action.input.map((p) => [kebab(p.name), p]));
  for (const k of Object.keys(input)) {
    if (!names.has(k)) throw new InvalidValueError(`${kebab(action.name)} has no input ${k}`, { path: `${req.instancePath}/${OUR_PREFIX}:${kebab(action.name)}`, pathNamespaces: req.pathNamespaces });
  }
  for (const p of action.input) {
    const t = input[kebab(p.name)];
    const path = `${req.instancePath}/${OUR_PREFIX}:${kebab(action.name)}/${OUR_PREFIX}:${kebab(p.name)}`;
    if (t === undefined) {
      if (p.mandatory) throw new MissingElementError(kebab(p.name), `input ${kebab(p.name)} of ${kebab(action.name)} is mandatory`, { path, pathNamespaces: req.pathNamespaces, type: 'application' });
      continue;
    }
    try {
      out[p.name] = validateScalar(p.type, fromLeafText(p.type, t), kebab(p.name));
    } catch (e) {
      if (e instanceof ConfigError) throw new InvalidValueError(`${kebab(p.name)}: ${e.reason}`, { path, pathNamespaces: req.pathNamespaces });
      throw e;
    }
  }
  return out;
}

function registerNodeActions(): void {
  const node = modelIndex.cls('node');
  const base = modelIndex.yangPath(node);
  for (const action of node.actions ?? []) {
    registerActionHandler(`${base}/${OUR_PREFIX}:${kebab(action.name)}`, async (req) => {
      const net = req.keys[0]?.values[`${OUR_PREFIX}:name`];
      const nodeName = req.keys[1]?.values[`${OUR_PREFIX}:name`];
      const input = modelActionInput(action, req.input, req);
      try {
        await req.bridge.nodeAction(String(net), String(nodeName), action.name as NodeActionName, input, req.user);
      } catch (e) {
        if (e instanceof NodeNotFoundError) throw new DataMissingError(e.message, { path: req.instancePath, pathNamespaces: req.pathNamespaces });
        throw chainErrorToNetconf(e, `${kebab(action.name)} on node ${nodeName} of network ${net}`);
      }
    });
  }
}
registerNodeActions();

