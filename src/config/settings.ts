/**
 * Typed settings the collector needs, read from a validated configuration document with the model's
 * defaults applied. Secrets are resolved here: passwordEnv names an environment variable.
 */
import { modelIndex } from '../model';
import { validatorRowId } from '../chains/beacon/validator-book';
import { ConfigError, configValue } from './document';
import type { ConfigObject } from './document';

export interface NodeSettings {
  readonly name: string;
  readonly endpoint: string;
  readonly wsEndpoint?: string;
  readonly username?: string;
  readonly password?: string;
  readonly cookieFile?: string;
  readonly role: string;
  readonly adminState: string;
}

export type PlatformName = 'ethereum' | 'bitcoin' | 'beacon';

export interface NetworkSettings {
  readonly name: string;
  readonly platform: PlatformName;
  readonly pollInterval: number;
  readonly adminState: string;
  readonly expectedBlockInterval: number;
  readonly windowSize: number;
  readonly quorum: number;
  /** Beacon networks: the validators followed, as configured (decimal indices, or lower-case "0x" public keys). */
  readonly validators: readonly string[];
  readonly nodes: readonly NodeSettings[];
}


/** consensus.validators: decimal indices or BLS public keys, normalised (public keys in lower case), duplicates refused. */
function validatorIds(cons: ConfigObject | undefined, where: string): string[] {
  const v = cons?.validators;
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError(where, 'must be a list of validator indices or public keys');
  const seen = new Set<string>();
  return (v as unknown[]).map((x, k) => {
    const t = typeof x === 'number' ? String(x) : typeof x === 'string' ? x.trim() : '';
    let id: string;
    if (/^(0|[1-9][0-9]{0,11})$/.test(t)) id = t;
    else if (/^0x[0-9a-fA-F]{96}$/.test(t)) id = t.toLowerCase();
    else throw new ConfigError(`${where}[${k}]`, `${JSON.stringify(x)} is neither a validator index nor a BLS public key ("0x" and 96 hex digits)`);
    if (seen.has(validatorRowId(id))) throw new ConfigError(`${where}[${k}]`, `${id} is listed twice (public keys are told apart by their first 24 octets)`);
    seen.add(validatorRowId(id));
    return id;
  });
}

const netCls = modelIndex.cls('network');
const nodeCls = modelIndex.cls('node');
const consCls = modelIndex.cls('consensus');
const cfgCls = modelIndex.cls('configuration');

function list(obj: ConfigObject | undefined, field: string): ConfigObject[] {
  const v = obj?.[field];
  return Array.isArray(v) ? (v as ConfigObject[]) : [];
}

function str(v: unknown): string | undefined { return typeof v === 'string' && v !== '' ? v : undefined; }

export function networkSettings(doc: ConfigObject, env: NodeJS.ProcessEnv = process.env): NetworkSettings[] {
  return list(doc, 'networks').map((n, i) => {
    const cons = n.consensus as ConfigObject | undefined;
    const platform = configValue(netCls, n, 'platform');
    if (platform !== 'ethereum' && platform !== 'bitcoin' && platform !== 'beacon') throw new ConfigError(`networks[${i}].platform`, 'is required (ethereum, bitcoin or beacon)');
    const validators = validatorIds(cons, `networks[${i}].consensus.validators`);
    if (validators.length && platform !== 'beacon') throw new ConfigError(`networks[${i}].consensus.validators`, 'is only for beacon networks');
    return {
      name: String(n.name),
      platform,
      pollInterval: Number(configValue(netCls, n, 'pollInterval')),
      adminState: String(configValue(netCls, n, 'adminState')),
      expectedBlockInterval: Number(configValue(netCls, n, 'expectedBlockInterval')),
      windowSize: Number(configValue(consCls, cons, 'windowSize')),
      quorum: Number(configValue(consCls, cons, 'quorum')),
      validators,
      nodes: list(n, 'nodes').map((d, j) => {
        const where = `networks[${i}].nodes[${j}]`;
        const endpoint = str(d.endpoint);
        if (!endpoint) throw new ConfigError(`${where}.endpoint`, 'is required');
        if (!/^https?:/.test(endpoint)) throw new ConfigError(`${where}.endpoint`, 'must be an http:// or https:// URL (use wsEndpoint for WebSocket)');
        const passwordEnv = str(d.passwordEnv);
        let password: string | undefined;
        if (passwordEnv) {
          password = env[passwordEnv];
          if (password === undefined) throw new ConfigError(`${where}.passwordEnv`, `environment variable ${passwordEnv} is not set`);
        }
        return {
          name: String(d.name),
          endpoint,
          wsEndpoint: str(d.wsEndpoint),
          username: str(d.username),
          password,
          cookieFile: str(d.cookieFile),
          role: String(configValue(nodeCls, d, 'role')),
          adminState: String(configValue(nodeCls, d, 'adminState')),
        };
      }),
    };
  });
}

export function rpcTimeoutMs(doc: ConfigObject): number {
  return Number(configValue(cfgCls, doc.configuration as ConfigObject | undefined, 'rpcTimeout'));
}
