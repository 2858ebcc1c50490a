/** Reading a configuration file (YAML or JSON; JSON is read as YAML) into a validated document. */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import { ConfigError, validateDocument } from './document';
import type { ConfigObject } from './document';

export function parseConfigText(text: string, source: string): ConfigObject {
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(source, `not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return validateDocument(raw ?? {});
}

export function loadConfigFile(file: string): ConfigObject {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new ConfigError(file, `cannot read: ${(e as Error).message}`);
  }
  return parseConfigText(text, file);
}
