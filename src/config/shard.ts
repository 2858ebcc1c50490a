/**
 * The shard selector: several bridges share one configuration file, and `--shard K/N` makes a bridge the
 * K-th of N, managing only the networks the selector gives shard K. Each network goes to exactly one shard
 * of a set, whatever the order of the file, by rendezvous (highest random weight) hashing of its name:
 * shard = the i in 1..N with the largest weight(SHA-256(name), i) (shardOfGroup). Going from N to N+1
 * shards moves only the networks the new shard wins (about 1 in N+1); the others stay where they were.
 *
 * Networks joined by a cross-chain channel (a channel and its counterparty) are placed together, since a
 * bridge matches a channel's messages only when it collects both ends: the unit that is hashed is the
 * group of networks connected by channels, named by its smallest network name (by code points).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { ConfigError } from './document';
import type { ConfigObject } from './document';

/** The K-th of N bridges (1-based). */
export interface ShardSelector {
  readonly index: number;
  readonly count: number;
}

/** At most as many shards as a configuration can hold networks. */
export const MAX_SHARDS = 256;

export function formatShard(s: ShardSelector): string { return `${s.index}/${s.count}`; }

/** Parses "K/N" (1 <= K <= N <= 256); the error names the option. */
export function parseShardSelector(text: string | undefined, option = '--shard'): ShardSelector {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text ?? '');
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new ConfigError(option, `${JSON.stringify(text ?? '')} is not K/N with 1 <= K <= N <= ${MAX_SHARDS} (this bridge is shard K of N, e.g. ${option.startsWith('--') ? `${option} ` : ''}2/3)`);
  }
  return { index, count };
}

/** Parses N of `shards --count N` (1..256). */
export function parseShardCount(text: string | undefined, option = '--count'): number {
  const n = /^\s*\d{1,4}\s*$/.test(text ?? '') ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_SHARDS)) throw new ConfigError(option, `${JSON.stringify(text ?? '')} is not a number of bridges from 1 to ${MAX_SHARDS}`);
  return n;
}

function networksOf(doc: ConfigObject): ConfigObject[] {
  return Array.isArray(doc.networks) ? (doc.networks as ConfigObject[]) : [];
}

function channelsOf(n: ConfigObject): ConfigObject[] {
  return Array.isArray(n.crossChainChannels) ? (n.crossChainChannels as ConfigObject[]) : [];
}

/** Network name -> the name of its group: the smallest name among the networks joined to it by channels. */
export function shardGroups(doc: ConfigObject): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let y = x; y !== r;) { const next = parent.get(y)!; parent.set(y, r); y = next; }
    return r;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) { if (ra < rb) parent.set(rb, ra); else parent.set(ra, rb); }
  };
  const nets = networksOf(doc);
  for (const n of nets) parent.set(String(n.name), String(n.name));
  for (const n of nets) {
    for (const c of channelsOf(n)) {
      const other = String(c.counterparty);
      if (parent.has(other)) union(String(n.name), other);
    }
  }
  return new Map([...parent.keys()].map((name) => [name, find(name)]));
}

/** MurmurHash3's 32-bit finalizer: every input bit moves every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The shard (1..count) of a group name: the shard with the highest weight for it. The group name is hashed once
 * (SHA-256, first 8 octets as two 32-bit words a, b); the weight of shard i is the 53-bit number
 * x * 2^21 + (y >>> 11), with x = fmix32(a ^ i * 0x9e3779b1) and y = fmix32(b ^ x ^ i) (32-bit arithmetic).
 * One hash and N cheap mixes per group keep a commit fast even with 256 networks over 256 shards.
 */
export function shardOfGroup(group: string, count: number): number {
  const d = crypto.createHash('sha256').update(group, 'utf8').digest();
  const a = d.readUInt32BE(0);
  const b = d.readUInt32BE(4);
  let best = 1;
  let bestWeight = -1;
  for (let i = 1; i <= count; i++) {
    const x = fmix32((a ^ Math.imul(i, 0x9e3779b1)) >>> 0);
    const y = fmix32((b ^ x ^ i) >>> 0);
    const w = x * 2097152 + (y >>> 11);
    if (w > bestWeight) { best = i; bestWeight = w; }
  }
  return best;
}

/** Network name -> its shard (1..count), in the order of the file. */
export function shardAssignment(doc: ConfigObject, count: number): Map<string, number> {
  const groups = shardGroups(doc);
  const byGroup = new Map<string, number>();
  const out = new Map<string, number>();
  for (const [name, group] of groups) {
    let s = byGroup.get(group);
    if (s === undefined) { s = shardOfGroup(group, count); byGroup.set(group, s); }
    out.set(name, s);
  }
  return out;
}

/** The document with only the networks of this shard; everything else (users, targets, jobs...) whole. */
export function selectShard(doc: ConfigObject, sel: ShardSelector): ConfigObject {
  const assigned = shardAssignment(doc, sel.count);
  const nets = networksOf(doc).filter((n) => assigned.get(String(n.name)) === sel.index);
  const { networks: _all, ...rest } = doc;
  return nets.length || doc.networks !== undefined ? { ...rest, networks: nets } : rest;
}

/**
 * Refuses a configuration that holds a network of another shard (a NETCONF edit, an SNMP SET, a restart
 * with another selector on a data dir seeded for this one): the error names the network's path and its shard.
 */
export function checkShard(doc: ConfigObject, sel: ShardSelector): void {
  const assigned = shardAssignment(doc, sel.count);
  networksOf(doc).forEach((n, i) => {
    const s = assigned.get(String(n.name))!;
    if (s !== sel.index) {
      const group = shardGroups(doc).get(String(n.name));
      const via = group !== String(n.name) ? ` (with its cross-chain group ${JSON.stringify(group)})` : '';
      throw new ConfigError(`networks[${i}].name`, `${JSON.stringify(n.name)} belongs to shard ${s}/${sel.count}${via}, not to this bridge, shard ${formatShard(sel)}`);
    }
  });
}

/** File in the data dir that holds the selector the bridge last ran with ("K/N"). */
export const SHARD_FILE = 'shard';

/** The selector the data dir was last run with, or undefined (never sharded). A damaged file is an error, never ignored. */
export function readDataDirShard(file: string): ShardSelector | undefined {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(file, `cannot read: ${(e as Error).message}`);
  }
  return parseShardSelector(text.trim(), file);
}

export function writeDataDirShard(file: string, sel: ShardSelector): void {
  fs.writeFileSync(file, `${formatShard(sel)}\n`, { mode: 0o600 });
}
