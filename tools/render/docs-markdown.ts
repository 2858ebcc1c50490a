/**
 * Markdown building blocks of docs/information-model.md: table cells, tables, and the protocol-neutral
 * wording of scalar types, values and parameters.
 */
import type { Parameter, ScalarType } from '../../src/model';
import { scalarOf } from '../../src/model/scalars';

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

/** Protocol-neutral description of a scalar type, with its range and enumeration values. */
export function typeText(t: ScalarType): string {
  return scalarOf(t).doc(t);
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
