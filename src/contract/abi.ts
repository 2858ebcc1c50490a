/**
 * Method names from a JSON ABI file (the contract's optional `abi` configuration attribute): the
 * canonical signature of each function ("transfer(address,uint256)", tuples as "(type,...)") by its
 * 4-octet selector. The file is a Solidity ABI array, or an artifact object with an `abi` field
 * (Hardhat, Truffle, Foundry). Files are read when the configuration is applied, cached by mtime.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectorOf } from './keccak';

interface AbiParam { readonly type: string; readonly components?: readonly AbiParam[] }

function isParam(v: unknown): v is AbiParam {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as { type?: unknown; components?: unknown };
  return typeof o.type === 'string' && (o.components === undefined || (Array.isArray(o.components) && o.components.every(isParam)));
}

/** Canonical type of a parameter: tuples expanded, array suffixes kept ("tuple[2]" → "(uint256,address)[2]"). */
export function canonicalType(p: AbiParam): string {
  if (p.type.startsWith('tuple')) return `(${(p.components ?? []).map(canonicalType).join(',')})${p.type.slice(5)}`;
  // Solidity's aliases are not canonical.
  if (p.type === 'uint' || p.type.startsWith('uint[')) return p.type.replace(/^uint/, 'uint256');
  if (p.type === 'int' || p.type.startsWith('int[')) return p.type.replace(/^int/, 'int256');
  return p.type;
}

/** Function signatures by selector, from a parsed ABI (array or artifact). */
export function methodNames(abi: unknown): Map<string, string> {
  const list = Array.isArray(abi) ? abi : typeof abi === 'object' && abi !== null && Array.isArray((abi as { abi?: unknown }).abi) ? (abi as { abi: unknown[] }).abi : undefined;
  if (!list) throw new Error('not an ABI (a JSON array, or an object with an "abi" array)');
  const out = new Map<string, string>();
  for (const e of list) {
    if (typeof e !== 'object' || e === null) continue;
    const o = e as { type?: unknown; name?: unknown; inputs?: unknown };
    if ((o.type ?? 'function') !== 'function' || typeof o.name !== 'string') continue;
    const inputs = Array.isArray(o.inputs) ? o.inputs.filter(isParam) : [];
    const sig = `${o.name}(${inputs.map(canonicalType).join(',')})`;
    out.set(selectorOf(sig), sig);
  }
  return out;
}

const cache = new Map<string, { mtimeMs: number; names: Map<string, string> }>();

/** Reads an ABI file (relative paths against the working directory); throws with the reason. */
export function loadAbiFile(file: string): Map<string, string> {
  const p = path.resolve(file);
  const st = fs.statSync(p);
  const hit = cache.get(p);
  if (hit && hit.mtimeMs === st.mtimeMs) return hit.names;
  if (st.size > 16 * 1024 * 1024) throw new Error('larger than 16 MiB');
  const names = methodNames(JSON.parse(fs.readFileSync(p, 'utf8')) as unknown);
  cache.set(p, { mtimeMs: st.mtimeMs, names });
  if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
  return names;
}
