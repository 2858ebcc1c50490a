/**
 * The Prometheus text exposition format, version 0.0.4: families of samples in, text out. Pure.
 *
 *   # HELP name text        (backslash and newline escaped)
 *   # TYPE name gauge|counter
 *   name{label="value",...} number
 *
 * Label values escape backslash, double quote and newline; numbers are Go-style floats (NaN, +Inf, -Inf).
 */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface Sample {
  /** Pre-rendered label set, from labelSet() ('' for none). */
  readonly labels: string;
  readonly value: number | bigint;
}

export interface Family {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'untyped';
  readonly help: string;
  readonly samples: readonly Sample[];
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{a="x",b="y"}` of label pairs, in the order given ('' when there are none). */
export function labelSet(pairs: readonly (readonly [string, string])[]): string {
  if (!pairs.length) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

export function formatValue(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The HELP and TYPE lines of a family. */
export function familyHead(f: Pick<Family, 'name' | 'type' | 'help'>): string {
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
}

/** One sample line. */
export function sampleLine(name: string, labels: string, value: number | bigint): string {
  return `${name}${labels} ${formatValue(value)}\n`;
}

/** The exposition of one family ('' when it has no samples). */
export function encodeFamily(f: Family): string {
  if (!f.samples.length) return '';
  const parts = [familyHead(f)];
  for (const s of f.samples) parts.push(sampleLine(f.name, s.labels, s.value));
  return parts.join('');
}

/** The exposition of the families; a family without samples is left out. */
export function encodeFamilies(families: Iterable<Family>): string {
  const parts: string[] = [];
  for (const f of families) parts.push(encodeFamily(f));
  return parts.join('');
}
