/**
 * JSON rendering of the instance tree, in the model's shape (the same field names as the configuration
 * document): lists under plural fields, timestamps as RFC 3339 text, 64-bit values as numbers when safe
 * and as decimal strings otherwise. Secrets are never rendered.
 */
import { fieldOf } from '../config/document';
import { modelIndex } from '../model';
import type { Instance, Value } from './tree';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function renderValue(type: string, v: Value): Json {
  if (Array.isArray(v)) return v.map(String);
  if (type === 'timestamp' && typeof v === 'number') return new Date(v).toISOString();
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  return v as Json;
}

export function instanceToJson(inst: Instance): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  for (const a of inst.cls.attributes) {
    if (a.secret) continue;
    const v = inst.get(a.name);
    if (v !== undefined) out[a.name] = renderValue(a.type.base, v);
  }
  for (const child of modelIndex.childrenOf(inst.cls)) {
    if (child.kind === 'container') {
      const c = inst.child(child.name);
      if (c) out[fieldOf(child)] = instanceToJson(c);
    } else {
      const rows = inst.list(child.name);
      if (rows.length) out[fieldOf(child)] = rows.map(instanceToJson);
    }
  }
  return out;
}
