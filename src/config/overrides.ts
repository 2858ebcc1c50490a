/**
 * Per-bridge values given on the command line (`--set configuration.snmpPort=1162`), laid over the
 * configuration file before it seeds the bridge: what must differ between bridges that share one file
 * (listener addresses and ports when several run on one host). Only scalar configuration attributes of the
 * `configuration` container can be set; the value is read as a YAML scalar and validated with the rest
 * of the document, so a bad one is refused like the same value in the file.
 */
import { parse } from 'yaml';
import { modelIndex } from '../model';
import { ConfigError } from './document';
import type { ConfigObject, ConfigScalar } from './document';

export interface ConfigOverride {
  readonly attribute: string;
  readonly value: ConfigScalar;
}

const configurationCls = modelIndex.cls('configuration');

/** Parses one `configuration.ATTR=VALUE`. */
export function parseOverride(text: string | undefined, option = '--set'): ConfigOverride {
  const settable = configurationCls.attributes.filter((a) => a.access === 'config' && !a.multi).map((a) => a.name);
  const m = /^configuration\.([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(text ?? '');
  if (!m) throw new ConfigError(option, `${JSON.stringify(text ?? '')} is not configuration.ATTRIBUTE=VALUE (e.g. ${option} configuration.snmpPort=1162)`);
  if (!settable.includes(m[1])) throw new ConfigError(option, `configuration.${m[1]} cannot be set on the command line (settable: ${settable.join(', ')})`);
  let value: unknown;
  try { value = parse(m[2]); } catch { value = m[2]; }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') value = m[2];
  return { attribute: m[1], value: value as ConfigScalar };
}

/** The document with the overrides laid over its `configuration` container (the document is not changed). */
export function applyOverrides(doc: ConfigObject, overrides: readonly ConfigOverride[]): ConfigObject {
  if (!overrides.length) return doc;
  const cfg: ConfigObject = { ...((doc.configuration as ConfigObject | undefined) ?? {}) };
  for (const o of overrides) cfg[o.attribute] = o.value;
  return { ...doc, configuration: cfg };
}
