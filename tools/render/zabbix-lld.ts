/**
 * Zabbix low-level discovery of the MIB's tables: LLD macro names for the INDEX components of a table, and
 * the JavaScript preprocessing step that decodes Zabbix's {#SNMPINDEX} (the whole encoded INDEX, e.g.
 * "3.108.116.99.2.110.49") into those macros, so that discovered items carry readable names
 * ("ltc/n1") rather than sub-identifiers. The decoder follows RFC 2578 section 7.7, as src/snmp/values.ts
 * does: strings are length-prefixed octets, integers and enumerations one sub-identifier.
 */
import type { Attribute, ModelIndex, ObjectClass, ScalarType } from '../../src/model';

/** CamelCase -> UPPER_SNAKE (LLD macro names take A-Z, 0-9, _ and .). */
export function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** LLD macro of an INDEX component: {#NODE} for a class's key "name", {#PEER.INDEX} otherwise. */
export function keyMacro(cls: ObjectClass, attr: Attribute): string {
  return attr.name === 'name' ? `{#${upperSnake(cls.name)}}` : `{#${upperSnake(cls.name)}.${upperSnake(attr.name)}}`;
}

/** How the decoder reads one INDEX component. */
type Component =
  | { readonly macro: string; readonly kind: 'string' }
  | { readonly macro: string; readonly kind: 'hex'; readonly fixed?: number }
  | { readonly macro: string; readonly kind: 'int' }
  | { readonly macro: string; readonly kind: 'label'; readonly labels: Readonly<Record<string, string>> };

function component(ix: ModelIndex, macro: string, t: ScalarType): Component {
  switch (t.base) {
    case 'hex': return { macro, kind: 'hex', fixed: t.fixedLength };
    case 'int32': case 'uint32': case 'gauge32': case 'level': return { macro, kind: 'int' };
    case 'enum': return { macro, kind: 'label', labels: Object.fromEntries(t.values.map((v) => [String(v.value), v.name])) };
    case 'boolean': return { macro, kind: 'label', labels: { 1: 'true', 2: 'false' } };
    case 'alarmType':
      return { macro, kind: 'label', labels: Object.fromEntries(ix.model.alarmTypes.map((a) => [String(ix.alarmTypeIndex(a)), a.name])) };
    default: return { macro, kind: 'string' };
  }
}

/** The INDEX components of a table, in order, with their LLD macros. */
export function indexMacros(ix: ModelIndex, cls: ObjectClass): { cls: ObjectClass; attr: Attribute; macro: string }[] {
  return ix.mibIndex(cls).map((k) => ({ ...k, macro: keyMacro(k.cls, k.attr) }));
}

/** Readable instance name of a discovered row, from its INDEX macros: "{#NETWORK}/{#NODE}". */
export function instanceLabel(ix: ModelIndex, cls: ObjectClass): string {
  return indexMacros(ix, cls).map((m) => m.macro).join('/');
}

/**
 * JavaScript (Zabbix 6.0 Duktape) of the discovery rule's preprocessing: adds the INDEX macros to every
 * row of the SNMP discovery's JSON; a row whose index does not decode keeps only its raw macros.
 */
export function indexDecoderScript(ix: ModelIndex, cls: ObjectClass): string {
  const spec = indexMacros(ix, cls).map((m) => component(ix, m.macro, m.attr.type));
  return [
    `var spec = ${JSON.stringify(spec)};`,
    'function str(ids, i, n) {',
    '  var s = "";',
    '  for (var j = 0; j < n; j++) { var b = ids[i + j]; if (b > 255) return null; s += "%" + (b < 16 ? "0" : "") + b.toString(16); }',
    '  try { return decodeURIComponent(s); } catch (e) { return null; }',
    '}',
    'function hex(ids, i, n) {',
    '  var s = "0x";',
    '  for (var j = 0; j < n; j++) { var b = ids[i + j]; if (b > 255) return null; s += (b < 16 ? "0" : "") + b.toString(16); }',
    '  return s;',
    '}',
    'function decode(index) {',
    '  var ids = String(index).split(".").map(Number), i = 0, out = {};',
    '  for (var k = 0; k < spec.length; k++) {',
    '    var c = spec[k], v = null, n;',
    '    if (i >= ids.length) return null;',
    '    if (c.kind === "int") { v = String(ids[i]); i += 1; }',
    '    else if (c.kind === "label") { v = c.labels[String(ids[i])] || String(ids[i]); i += 1; }',
    '    else if (c.kind === "hex" && c.fixed) { n = c.fixed; if (i + n > ids.length) return null; v = hex(ids, i, n); i += n; }',
    '    else { n = ids[i]; if (i + 1 + n > ids.length) return null; v = c.kind === "hex" ? hex(ids, i + 1, n) : str(ids, i + 1, n); i += 1 + n; }',
    '    if (v === null) return null;',
    '    out[c.macro] = v;',
    '  }',
    '  return i === ids.length ? out : null;',
    '}',
    'var parsed = JSON.parse(value);',
    'var rows = Array.isArray(parsed) ? parsed : parsed.data;',
    'for (var r = 0; r < rows.length; r++) {',
    '  var m = decode(rows[r]["{#SNMPINDEX}"]);',
    '  if (m) for (var key in m) rows[r][key] = m[key];',
    '}',
    'return JSON.stringify(rows);',
  ].join('\n');
}
