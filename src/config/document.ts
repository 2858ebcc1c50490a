/**
 * The configuration document: a model-shaped tree of configuration attributes, the same shape the
 * datastore, the config file (YAML or JSON) and NETCONF's configuration share. Validation is driven by
 * the model: every field must be a configuration attribute (or a contained class) of the class at that
 * place, and every value must fit the attribute's type. Errors name the field.
 *
 * Validation is linear in the size of the document, and every list is bounded by its model maxElements
 * (ListBoundError, checked before its entries are looked at), so no document of the largest accepted message
 * size can hold the event loop for long.
 */
import { modelIndex } from '../model';
import type { Attribute, ObjectClass, ScalarType } from '../model';
import { scalarOf } from '../model/scalars';

export type ConfigScalar = string | number | boolean;
export interface ConfigObject { [field: string]: ConfigScalar | readonly string[] | ConfigObject | ConfigObject[] | undefined }

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly path: string, readonly reason: string) { super(path ? `${path}: ${reason}` : reason); }
}

/** A list (or leaf-list) holds more entries than the model's maxElements allows. */
export class ListBoundError extends ConfigError {
  constructor(path: string, readonly list: string, readonly max: number) {
    super(path, `has more than ${max} entries (a configuration holds at most ${max} ${list} entries here)`);
  }
}

/** Throws ListBoundError when count entries are more than the list's maxElements. */
export function checkListBound(path: string, list: string, max: number | undefined, count: number): void {
  if (max !== undefined && count > max) throw new ListBoundError(path, list, max);
}

/** Field name of a contained class in its parent's document: lists are plural ("nodes"), containers singular. */
export function fieldOf(cls: ObjectClass): string {
  if (cls.kind === 'container') return cls.name;
  if (cls.name.endsWith('y')) return cls.name.slice(0, -1) + 'ies';
  if (cls.name.endsWith('s')) return cls.name + 'es';
  return cls.name + 's';
}

const configured = new Map<ObjectClass, boolean>();

/** Whether a class (or anything it contains) has configuration. */
export function hasConfig(cls: ObjectClass): boolean {
  let v = configured.get(cls);
  if (v === undefined) {
    v = !cls.yangExternal && (cls.attributes.some((a) => a.access === 'config') || modelIndex.childrenOf(cls).some(hasConfig));
    configured.set(cls, v);
  }
  return v;
}

/** Validates (and normalises) a whole document rooted at the managed system. */
export function validateDocument(doc: unknown): ConfigObject {
  return validateObject(modelIndex.root, doc ?? {}, '');
}

export function validateObject(cls: ObjectClass, raw: unknown, path: string): ConfigObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(path, `must be an object (${cls.name})`);
  const out: ConfigObject = {};
  const src = raw as Record<string, unknown>;
  const children = modelIndex.childrenOf(cls).filter(hasConfig);
  for (const [field, v] of Object.entries(src)) {
    if (v === undefined) continue; // absent
    const where = path ? `${path}.${field}` : field;
    const attr = cls.attributes.find((a) => a.name === field);
    if (attr) {
      if (attr.access !== 'config') throw new ConfigError(where, `is state of ${cls.name}, not configuration`);
      if (v === null || v === undefined) continue;
      out[field] = attr.multi ? validateList(attr, v, where) : validateScalar(attr.type, v, where);
      continue;
    }
    const child = children.find((c) => fieldOf(c) === field);
    if (!child) {
      const known = [...cls.attributes.filter((a) => a.access === 'config').map((a) => a.name), ...children.map(fieldOf)];
      throw new ConfigError(where, `unknown field (${cls.name} has: ${known.join(', ')})`);
    }
    if (child.kind === 'container') { out[field] = validateObject(child, v, where); continue; }
    if (!Array.isArray(v)) throw new ConfigError(where, 'must be a list');
    checkListBound(where, child.name, child.maxElements, v.length);
    const seen = new Set<string>();
    out[field] = v.map((item, i) => {
      const o = validateObject(child, item, `${where}[${i}]`);
      const key = (child.keys ?? []).map((k) => {
        if (o[k] === undefined) throw new ConfigError(`${where}[${i}].${k}`, 'is required (key)');
        return String(o[k]);
      }).join(',');
      if (seen.has(key)) throw new ConfigError(`${where}[${i}]`, `duplicate ${child.name} ${key}`);
      seen.add(key);
      return o;
    });
  }
  for (const a of cls.attributes) {
    if (a.required && a.access === 'config' && out[a.name] === undefined) {
      const hint = a.type.base === 'enum' ? ` (${a.type.values.map((e) => e.name).join(' or ')})` : '';
      throw new ConfigError(path ? `${path}.${a.name}` : a.name, `is required${hint}`);
    }
    const unless = a.requiredUnless;
    if (unless && out[a.name] === undefined && (out[unless.attribute] ?? modelIndex.attr(cls, unless.attribute).default) !== unless.value) {
      throw new ConfigError(path ? `${path}.${a.name}` : a.name, `is required unless ${unless.attribute} is ${unless.value}`);
    }
  }
  return out;
}

function validateList(attr: Attribute, v: unknown, where: string): string[] {
  const items = Array.isArray(v) ? v : [v];
  checkListBound(where, attr.name, attr.maxElements, items.length);
  return items.map((x, i) => String(validateScalar(attr.type, x, `${where}[${i}]`)));
}

/** Checks one value against a model type; returns it normalised (enums as labels, numbers as numbers). */
export function validateScalar(type: ScalarType, v: unknown, where: string): ConfigScalar {
  return scalarOf(type).config.check(type, v, (why: string): never => { throw new ConfigError(where, why); });
}

/** The value of a configuration attribute, or its model default. */
export function configValue(cls: ObjectClass, obj: ConfigObject | undefined, attr: string): ConfigScalar | undefined {
  const v = obj?.[attr];
  if (v !== undefined && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return v;
  return modelIndex.attr(cls, attr).default;
}
