/**
 * Who may use the agent, read from the running configuration: communities (v1/v2c) with their source
 * prefixes, USM users (v3) with their keys localised to our engine, and notification targets.
 */
import * as net from 'node:net';
import { modelIndex } from '../model';
import { configValue } from '../config/document';
import type { ConfigObject } from '../config/document';
import { isAuthProtocol, userKeys } from './usm';
import type { AuthProtocol, PrivProtocol, UsmKeys } from './usm';

export type Role = 'readOnly' | 'admin';

export interface Community {
  readonly name: string;
  readonly community: Buffer;
  readonly access: Role;
  readonly source: string;
  allows(address: string): boolean;
}

export interface UsmUser {
  readonly name: string;
  readonly auth: AuthProtocol;
  readonly authPass?: string;
  readonly priv: PrivProtocol;
  readonly privPass?: string;
  readonly access: Role;
  /** Keys localised to this agent's engine. */
  readonly keys: UsmKeys;
}

export interface TargetConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly version: 'v2c' | 'v3';
  readonly community: string;
  readonly user: string;
  readonly type: 'trap' | 'inform';
  readonly timeout: number;
  readonly retries: number;
  readonly locked: boolean;
}

export interface AgentConfig {
  readonly address: string;
  readonly port: number;
  /** Largest v1/v2c response (octets). */
  readonly maxMessageSize: number;
  /** Largest GetBulk max-repetitions honoured. */
  readonly maxRepetitions: number;
  readonly communities: readonly Community[];
  readonly users: ReadonlyMap<string, UsmUser>;
  readonly targets: readonly TargetConfig[];
}

const cfgCls = modelIndex.cls('configuration');
const commCls = modelIndex.cls('snmpCommunity');
const userCls = modelIndex.cls('snmpUser');
const targetCls = modelIndex.cls('notificationTarget');

function list(o: ConfigObject | undefined, field: string): ConfigObject[] {
  const v = o?.[field];
  return Array.isArray(v) ? (v as ConfigObject[]) : [];
}

/** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) as IPv4. */
export function plainAddress(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? m[1] : a;
}

/** A matcher of a CIDR prefix ("127.0.0.0/8", "::1/128", "10.0.0.1"); matches nothing when malformed. */
export function cidrMatcher(cidr: string): (address: string) => boolean {
  const [addr, bits] = cidr.trim().split('/');
  const family = net.isIP(addr);
  if (!family) return () => false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return () => false;
  const bl = new net.BlockList();
  bl.addSubnet(addr, prefix, type);
  // Answers by source address: a poller sends from one address thousands of times a second, and BlockList.check
  // parses the address each time. Bounded: emptied when MATCH_CACHE_MAX addresses were seen.
  const seen = new Map<string, boolean>();
  return (address: string) => {
    const hit = seen.get(address);
    if (hit !== undefined) return hit;
    const a = plainAddress(address);
    const f = net.isIP(a);
    const ok = f !== 0 && (f === 4 ? 'ipv4' : 'ipv6') === type && bl.check(a, type);
    if (seen.size >= MATCH_CACHE_MAX) seen.clear();
    seen.set(address, ok);
    return ok;
  };
}

/** Source addresses whose match is remembered per CIDR prefix. */
export const MATCH_CACHE_MAX = 1024;

function community(name: string, value: string, access: Role, source: string): Community {
  const sources = source.split(',').map(cidrMatcher);
  const allows = (a: string): boolean => {
    for (const m of sources) if (m(a)) return true;
    return false;
  };
  return { name, community: Buffer.from(value, 'utf8'), access, source, allows };
}

export function readAgentConfig(doc: ConfigObject, engineId: Buffer): AgentConfig {
  const cfg = doc.configuration as ConfigObject | undefined;
  const communities = list(cfg, 'snmpCommunities').map((c) => community(
    String(c.name), String(c.community ?? ''), String(configValue(commCls, c, 'access')) === 'admin' ? 'admin' : 'readOnly',
    String(configValue(commCls, c, 'source'))));
  const configured = communities.filter((c) => c.community.length > 0);
  const users = new Map<string, UsmUser>();
  for (const u of list(cfg, 'snmpUsers')) {
    const auth = String(configValue(userCls, u, 'authProtocol'));
    const privRaw = String(configValue(userCls, u, 'privProtocol'));
    if (!isAuthProtocol(auth)) continue;
    const priv: PrivProtocol = auth === 'none' ? 'none' : privRaw === 'des' ? 'des' : privRaw === 'aes' ? 'aes' : 'none';
    const authPass = typeof u.authKey === 'string' ? u.authKey : undefined;
    const privPass = typeof u.privKey === 'string' ? u.privKey : undefined;
    if (auth !== 'none' && !authPass) continue;
    if (priv !== 'none' && !privPass) continue;
    const name = String(u.name);
    users.set(name, {
      name, auth, authPass, priv, privPass,
      access: String(configValue(userCls, u, 'access')) === 'admin' ? 'admin' : 'readOnly',
      keys: userKeys(auth, authPass, priv, privPass, engineId),
    });
  }
  const targets = list(cfg, 'notificationTargets').map((t): TargetConfig => ({
    name: String(t.name),
    host: String(t.host ?? ''),
    port: Number(configValue(targetCls, t, 'port')),
    version: String(configValue(targetCls, t, 'version')) === 'v3' ? 'v3' : 'v2c',
    community: typeof t.community === 'string' ? t.community : 'public',
    user: String(configValue(targetCls, t, 'user') ?? ''),
    type: String(configValue(targetCls, t, 'type')) === 'inform' ? 'inform' : 'trap',
    timeout: Number(configValue(targetCls, t, 'timeout')),
    retries: Number(configValue(targetCls, t, 'retries')),
    locked: String(configValue(targetCls, t, 'adminState')) === 'locked',
  }));
  return {
    address: String(configValue(cfgCls, cfg, 'snmpAddress')),
    port: Number(configValue(cfgCls, cfg, 'snmpPort')),
    maxMessageSize: Number(configValue(cfgCls, cfg, 'snmpMaxMessageSize')),
    maxRepetitions: Number(configValue(cfgCls, cfg, 'snmpMaxRepetitions')),
    // With no community configured: read-only "public" from the loopback interface only.
    communities: configured.length ? configured : [community('public', 'public', 'readOnly', '127.0.0.0/8,::1/128')],
    users,
    targets,
  };
}
