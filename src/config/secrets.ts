/**
 * Secrets of a configuration document (attributes marked secret in the model: management user passwords,
 * SNMP communities, USM pass phrases) are written but never read back by any view, so a client cannot send
 * them back either. An edit that leaves a secret out therefore keeps the stored one: a list entry (or
 * container) replaced without its secret gets the secret it had, matched by its keys. Only an explicit
 * delete of the secret leaf removes it; the editor marks that by keeping the field with the value undefined.
 */
import { modelIndex } from '../model';
import type { ObjectClass } from '../model';
import { fieldOf, hasConfig } from './document';
import type { ConfigObject } from './document';

function asObject(v: unknown): ConfigObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as ConfigObject) : undefined;
}

function keyOf(cls: ObjectClass, o: ConfigObject): string {
  return JSON.stringify((cls.keys ?? []).map((k) => String(o[k])));
}

/** Copies into doc (in place) every secret of previous that doc leaves out, class by class from cls down. */
export function keepStoredSecrets(doc: ConfigObject, previous: ConfigObject, cls: ObjectClass = modelIndex.root): void {
  for (const a of cls.attributes) {
    if (a.secret && !Object.prototype.hasOwnProperty.call(doc, a.name) && previous[a.name] !== undefined) doc[a.name] = previous[a.name];
  }
  for (const child of modelIndex.childrenOf(cls)) {
    if (!hasConfig(child)) continue;
    const field = fieldOf(child);
    if (child.kind === 'container') {
      const d = asObject(doc[field]);
      const p = asObject(previous[field]);
      if (d && p) keepStoredSecrets(d, p, child);
      continue;
    }
    const before = Array.isArray(previous[field]) ? (previous[field] as ConfigObject[]) : [];
    const now = Array.isArray(doc[field]) ? (doc[field] as ConfigObject[]) : [];
    if (!before.length || !now.length) continue;
    const byKey = new Map(before.map((o) => [keyOf(child, o), o]));
    for (const o of now) {
      const p = byKey.get(keyOf(child, o));
      if (p) keepStoredSecrets(o, p, child);
    }
  }
}
