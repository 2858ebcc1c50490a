/**
 * Reading a configuration file (YAML or JSON; JSON is read as YAML) into a validated document.
 * A file larger than MAX_CONFIG_FILE_SIZE is refused before it is parsed; a YAML warning (an unknown tag
 * such as `!foo`) is an error like any other, reported on one line.
 */
import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { ConfigError, validateDocument } from './document';
import type { ConfigObject } from './document';

/** Largest configuration file read: 1 MiB. */
export const MAX_CONFIG_FILE_SIZE = 1024 * 1024;

export function parseConfigText(text: string, source: string): ConfigObject {
  let raw: unknown;
  try {
    const doc = parseDocument(text, { prettyErrors: true, logLevel: 'silent' });
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) throw problem;
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(source, `not valid YAML or JSON: ${(e as Error).message.split('\n')[0].replace(/:$/, '')}`);
  }
  return validateDocument(raw ?? {});
}

/** The file's text, refused without reading it all when it is larger than max octets. */
function readBounded(file: string, max: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new ConfigError(file, 'cannot read: it is a directory');
    const tooBig = (): never => { throw new ConfigError(file, `larger than ${max} octets (the limit of a configuration file)`); };
    if (st.size > max) tooBig();
    // a pipe or a file that grows: read at most max + 1 octets
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n <= max;) {
      got = fs.readSync(fd, buf, n, buf.length - n, null);
      n += got;
    }
    if (n > max) tooBig();
    return buf.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export function loadConfigFile(file: string): ConfigObject {
  let text: string;
  try { text = readBounded(file, MAX_CONFIG_FILE_SIZE); } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(file, `cannot read: ${(e as Error).message}`);
  }
  return parseConfigText(text, file);
}
