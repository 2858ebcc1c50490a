/**
 * Markdown building blocks of docs/information-model.md: table cells, tables, and the protocol-neutral
 * wording of scalar types, values and parameters.
 */
import type { EnumValue, Parameter, ScalarType } from '../../src/model';

/** Text safe in a table cell: no pipes or line breaks. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function code(text: string): string {
  return text === '' ? '`""`' : `\`${text}\``;
}

/** A GitHub-flavoured Markdown table; cells are escaped here. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function range(min: number | undefined, max: number | undefined): string {
  if (min === undefined && max === undefined) return '';
  return ` (${min ?? 'min'}..${max ?? 'max'})`;
}

export function enumValues(values: readonly EnumValue[]): string {
  return values.map((v) => `${v.name}=${v.value}`).join(', ');
}

/** Protocol-neutral description of a scalar type, with its range and enumeration values. */
export function typeText(t: ScalarType): string {
  switch (t.base) {
    case 'name': return 'name (1..32 characters of A-Z a-z 0-9 . _ -)';
    case 'text': return `text (0..${t.maxLength ?? 255} octets, UTF-8)`;
    case 'hex':
      if (t.fixedLength !== undefined) return `hex (${t.fixedLength} octets)`;
      return t.maxLength !== undefined ? `hex (0..${t.maxLength} octets)` : 'hex';
    case 'bigDecimal': return 'unbounded non-negative integer (decimal text)';
    case 'int32': return `int32${range(t.min, t.max)}`;
    case 'uint32': return `uint32${range(t.min, t.max)}`;
    case 'gauge32': return 'gauge32';
    case 'counter64': return 'counter64';
    case 'gauge64': return 'gauge64';
    case 'milli': return 'decimal (3 fraction digits)';
    case 'level': return 'decimal (3 fraction digits, 0..4294967.295)';
    case 'boolean': return 'boolean';
    case 'enum': return `enumeration ${t.typeName}: ${enumValues(t.values)}`;
    case 'timestamp': return 'date and time';
    case 'uri': return 'URI or host:port';
    case 'alarmType': return 'alarm type (identity of 7.2.2)';
    case 'resource': return 'resource (path in the containment tree)';
  }
}

export function typeWithUnits(t: ScalarType, units: string | undefined): string {
  return units ? `${typeText(t)}; units: ${units}` : typeText(t);
}

export function valueText(v: string | number | boolean): string {
  return code(String(v));
}

/** Parameters of an action or event, one per line of a table cell. */
export function parameters(params: readonly Parameter[]): string {
  if (params.length === 0) return '—';
  return params.map((p) => `${code(p.name)}: ${typeText(p.type)}${p.mandatory ? ', mandatory' : ''}. ${p.description}`).join('<br>');
}
