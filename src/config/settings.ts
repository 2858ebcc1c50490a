/**
 * Typed settings the collector needs, read from a validated configuration document with the model's
 * defaults applied. Secrets are resolved here: passwordEnv names an environment variable.
 */
import { modelIndex } from '../model';
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

export interface NetworkSettings {
  readonly name: string;
  readonly platform: 'ethereum' | 'bitcoin';
  readonly pollInterval: number;
  readonly adminState: string;
  readonly expectedBlockInterval: number;
  readonly windowSize: number;
  readonly quorum: number;
  readonly nodes: readonly NodeSettings[];
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
    if (platform !== 'ethereum' && platform !== 'bitcoin') throw new ConfigError(`networks[${i}].platform`, 'is required (ethereum or bitcoin)');
    return {
      name: String(n.name),
      platform,
      pollInterval: Number(configValue(netCls, n, 'pollInterval')),
      adminState: String(configValue(netCls, n, 'adminState')),
      expectedBlockInterval: Number(configValue(netCls, n, 'expectedBlockInterval')),
      windowSize: Number(configValue(consCls, cons, 'windowSize')),
      quorum: Number(configValue(consCls, cons, 'quorum')),
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
