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
  const fail = (why: string): never => { throw new ConfigError(where, why); };
  switch (type.base) {
    case 'name': {
      if (typeof v !== 'string' || !/^[A-Za-z0-9._-]{1,32}$/.test(v)) fail(`${JSON.stringify(v)} is not a name (1..32 of A-Z a-z 0-9 . _ -)`);
      return v as string;
    }
    case 'text': case 'resource': {
      if (typeof v !== 'string') fail('must be a string');
      const max = type.base === 'text' ? (type.maxLength ?? 255) : 255;
      if (Buffer.byteLength(v as string) > max) fail(`longer than ${max} octets`);
      return v as string;
    }
    case 'uri': {
      if (typeof v !== 'string') fail('must be a URL string');
      const shown = JSON.stringify(withoutUserinfo(v as string));
      let u: URL | undefined;
      try { u = new URL(v as string); } catch { fail(`${shown} is not a URL`); }
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(u!.protocol)) fail(`${shown} is not an http(s) or ws(s) URL`);
      if (u!.username || u!.password || /^[a-z]+:\/\/[^/?#]*@/i.test(v as string)) {
        fail('must not carry credentials (user:password@): give them as the node\'s username with passwordEnv or cookieFile');
      }
      return v as string;
    }
    case 'hex': {
      if (typeof v !== 'string' || !/^(0x)?[0-9a-fA-F]*$/.test(v)) fail(`${JSON.stringify(v)} is not hexadecimal`);
      const octets = (v as string).replace(/^0x/, '').length / 2;
      if (type.fixedLength !== undefined && octets !== type.fixedLength) fail(`must be ${type.fixedLength} octets`);
      if (type.maxLength !== undefined && octets > type.maxLength) fail(`longer than ${type.maxLength} octets`);
      return (v as string).toLowerCase();
    }
    case 'bigDecimal': {
      const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
      if (typeof s !== 'string' || !/^[0-9]+$/.test(s)) fail('must be a non-negative integer');
      return s as string;
    }
    case 'int32': case 'uint32': case 'gauge32': case 'counter64': case 'gauge64': {
      const n = typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) fail(`${JSON.stringify(v)} is not an integer`);
      const lo = 'min' in type && type.min !== undefined ? type.min : type.base === 'int32' ? -2147483648 : 0;
      const hi = 'max' in type && type.max !== undefined ? type.max : type.base === 'int32' ? 2147483647 : type.base.endsWith('64') ? Number.MAX_SAFE_INTEGER : 4294967295;
      if ((n as number) < lo || (n as number) > hi) fail(`${n} is out of range ${lo}..${hi}`);
      return n as number;
    }
    case 'milli': case 'level': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) fail(`${JSON.stringify(v)} is not a non-negative number`);
      if (type.base === 'level' && (n as number) > 4294967.295) fail(`${n} is out of range 0..4294967.295`);
      return Math.round((n as number) * 1000) / 1000;
    }
    case 'boolean': {
      if (v === true || v === 'true') return true;
      if (v === false || v === 'false') return false;
      return fail('must be true or false');
    }
    case 'enum': {
      const hit = type.values.find((e) => e.name === v || (typeof v === 'string' && kebabEq(e.name, v)));
      if (!hit) fail(`${JSON.stringify(v)} is not one of ${type.values.map((e) => e.name).join(', ')}`);
      return hit!.name;
    }
    case 'alarmType': {
      const t = modelIndex.model.alarmTypes.find((x) => x.name === v || (typeof v === 'string' && kebabEq(x.name, v)));
      if (!t) fail(`${JSON.stringify(v)} is not an alarm type (${modelIndex.model.alarmTypes.map((x) => x.name).join(', ')})`);
      return t!.name;
    }
    case 'timestamp': {
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) fail('must be a date-and-time');
      return v as string;
    }
  }
}

/** A URL text with any user information (user:password@) masked, for error messages. */
function withoutUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

function kebabEq(camel: string, s: string): boolean {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase() === s;
}

/** The value of a configuration attribute, or its model default. */
export function configValue(cls: ObjectClass, obj: ConfigObject | undefined, attr: string): ConfigScalar | undefined {
  const v = obj?.[attr];
  if (v !== undefined && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return v;
  return modelIndex.attr(cls, attr).default;
}
