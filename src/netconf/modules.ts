/**
 * The YANG modules the server implements or imports: read from the yang/ folder (the generated
 * blockchain-mgmt module and the standard modules kept beside it), completed by the protocol modules the
 * NETCONF server itself implements. get-schema returns the files of yang/ byte for byte; the hello, the
 * yang-library and netconf-state data are derived from this one catalogue.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { model } from '../model';
import { CAP, NC_NS, NCM_NS, NCWD_NS, NETMOD_NOTIF_NS, NOTIF_NS, YANGLIB_NS } from './namespaces';

export interface YangModule {
  readonly name: string;
  /** Newest revision ('' when the module has none). */
  readonly revision: string;
  readonly namespace: string;
  readonly prefix: string;
  /** implement: the server has its data or operations; import: only its definitions are used. */
  readonly conformance: 'implement' | 'import';
  /** Features the server supports. */
  readonly features: readonly string[];
  /** The file holding it (get-schema): a name in yang/, or an absolute path of a system copy; undefined when none. */
  readonly file?: string;
}

/** Default location of the yang/ folder: the project root's, from dist/src/netconf or src/netconf. */
export function defaultYangDir(): string {
  for (const up of ['../../../yang', '../../yang']) {
    const d = path.resolve(__dirname, up);
    if (fs.existsSync(d)) return d;
  }
  return path.resolve(__dirname, '../../../yang');
}

/** Features of standard modules that the bridge supports (the alarm list keeps a history; operators act on alarms). */
const SUPPORTED_FEATURES: Readonly<Record<string, readonly string[]>> = {
  'ietf-alarms': ['operator-actions', 'alarm-history'],
};

/** Modules whose data or operations the bridge serves. */
const IMPLEMENTED = new Set([model.module.yangName, 'ietf-alarms', 'ietf-alarms-x733', 'ietf-netconf', 'ietf-netconf-monitoring',
  'ietf-netconf-with-defaults', 'ietf-yang-library', 'notifications', 'nc-notifications', 'ietf-restconf-monitoring']);

/** Protocol modules the server implements (or that those import), when yang/ has no copy. */
const PROTOCOL_MODULES: readonly Omit<YangModule, 'conformance' | 'file'>[] = [
  { name: 'ietf-netconf', revision: '2011-06-01', namespace: NC_NS, prefix: 'nc',
    features: ['writable-running', 'startup', 'rollback-on-error', 'validate', 'xpath'] },
  { name: 'ietf-netconf-monitoring', revision: '2010-10-04', namespace: NCM_NS, prefix: 'ncm', features: [] },
  { name: 'ietf-netconf-with-defaults', revision: '2011-06-01', namespace: NCWD_NS, prefix: 'ncwd', features: [] },
  { name: 'ietf-yang-library', revision: '2019-01-04', namespace: YANGLIB_NS, prefix: 'yanglib', features: [] },
  { name: 'notifications', revision: '2008-07-14', namespace: NOTIF_NS, prefix: 'ncEvent', features: [] },
  // RFC 5277 stream discovery (/netconf/streams), as yuma converted the RFC's XSD
  { name: 'nc-notifications', revision: '2008-07-14', namespace: NETMOD_NOTIF_NS, prefix: 'manageEvent', features: [] },
  // yuma's extensions, imported by yuma's notifications module (ncx:abstract, ncx:hidden)
  // RFC 8040 section 9.3: the RESTCONF view's /restconf-state (kept in yang/rfc8040/: no Debian package ships it)
  { name: 'ietf-restconf-monitoring', revision: '2017-01-26', namespace: 'urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring', prefix: 'rcmon', features: [] },
  { name: 'yuma-ncx', revision: '2012-01-13', namespace: 'http://netconfcentral.org/ns/yuma-ncx', prefix: 'ncx', features: [] },
  { name: 'ietf-datastores', revision: '2018-02-14', namespace: 'urn:ietf:params:xml:ns:yang:ietf-datastores', prefix: 'ds', features: [] },
  { name: 'ietf-yang-types', revision: '2013-07-15', namespace: 'urn:ietf:params:xml:ns:yang:ietf-yang-types', prefix: 'yang', features: [] },
  { name: 'ietf-inet-types', revision: '2013-07-15', namespace: 'urn:ietf:params:xml:ns:yang:ietf-inet-types', prefix: 'inet', features: [] },
];

/** Folder of yang/ with the standard modules written out from their RFC (no Debian package has them). */
export const RFC_MODULE_DIR = 'rfc8040';

/** Folders of Debian packages holding standard modules (libyang2, libyuma-base). */
export const SYSTEM_MODULE_DIRS: readonly string[] = ['/usr/share/yang/modules/libyang', '/usr/share/yuma/modules/ietf', '/usr/share/yuma/modules/ietf-derived',
  '/usr/share/yuma/modules/netconfcentral'];

/** Strips comments and reads the header statements of a YANG module (name, namespace, prefix, newest revision). */
export function parseYangHeader(text: string): { name: string; namespace: string; prefix: string; revision: string; features: string[] } | undefined {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:"'])\/\/[^\n]*/g, '$1');
  const name = /^\s*module\s+([A-Za-z_][\w.-]*)\s*\{/m.exec(src)?.[1];
  const namespace = /\bnamespace\s+["']?([^"';\s]+)["']?\s*;/.exec(src)?.[1];
  // the module's own prefix is the first prefix statement outside import blocks: it precedes the imports
  const prefix = /\bprefix\s+["']?([A-Za-z_][\w.-]*)["']?\s*;/.exec(src)?.[1];
  if (!name || !namespace || !prefix) return undefined;
  const revisions = [...src.matchAll(/\brevision\s+["']?(\d{4}-\d{2}-\d{2})["']?\s*[{;]/g)].map((m) => m[1]).sort();
  const features = [...src.matchAll(/\bfeature\s+([A-Za-z_][\w.-]*)\s*[{;]/g)].map((m) => m[1]);
  return { name, namespace, prefix, revision: revisions.length ? revisions[revisions.length - 1] : '', features };
}

export class ModuleCatalogue {
  readonly modules: readonly YangModule[];
  private readonly byNs = new Map<string, YangModule>();
  private readonly byPrefix = new Map<string, YangModule>();

  /**
   * yangDir: the project's modules. systemDirs: where copies of the protocol modules that yang/ does not keep
   * are looked for (libyang's and yuma's module folders), so that get-schema can serve them too.
   */
  constructor(readonly yangDir: string = defaultYangDir(), systemDirs: readonly string[] = SYSTEM_MODULE_DIRS) {
    const out: YangModule[] = [];
    const files = fs.existsSync(yangDir) ? fs.readdirSync(yangDir).filter((f) => f.endsWith('.yang')).sort() : [];
    for (const f of files) {
      const h = parseYangHeader(fs.readFileSync(path.join(yangDir, f), 'utf8'));
      if (!h) continue;
      const existing = out.findIndex((m) => m.name === h.name);
      if (existing >= 0 && out[existing].revision >= h.revision) continue;
      const supported = SUPPORTED_FEATURES[h.name] ?? [];
      const mod: YangModule = { name: h.name, revision: h.revision, namespace: h.namespace, prefix: h.prefix,
        conformance: IMPLEMENTED.has(h.name) ? 'implement' : 'import', features: h.features.filter((x) => supported.includes(x)), file: f };
      if (existing >= 0) out[existing] = mod; else out.push(mod);
    }
    for (const p of PROTOCOL_MODULES) {
      if (out.some((m) => m.name === p.name)) continue;
      const file = [path.join(yangDir, RFC_MODULE_DIR), ...systemDirs].flatMap((d) => [path.join(d, `${p.name}@${p.revision}.yang`), path.join(d, `${p.name}.yang`)])
        .find((f) => fs.existsSync(f) && parseYangHeader(fs.readFileSync(f, 'utf8'))?.revision === p.revision);
      out.push({ ...p, conformance: IMPLEMENTED.has(p.name) ? 'implement' : 'import', ...(file ? { file } : {}) });
    }
    this.modules = out;
    for (const m of out) { this.byNs.set(m.namespace, m); if (!this.byPrefix.has(m.prefix)) this.byPrefix.set(m.prefix, m); }
  }

  byNamespace(ns: string): YangModule | undefined { return this.byNs.get(ns); }

  /** The module whose own prefix this is (the model's yangExternal paths use the standard modules' prefixes). */
  namespaceOfPrefix(prefix: string): string | undefined { return this.byPrefix.get(prefix)?.namespace; }

  get ours(): YangModule {
    const m = this.modules.find((x) => x.name === model.module.yangName);
    if (!m) throw new Error(`YANG module ${model.module.yangName} not found in ${this.yangDir} (npm run generate)`);
    return m;
  }

  /** Capability URIs of the hello: protocol capabilities, then one per module (RFC 6020 section 5.6.4). */
  capabilities(): string[] {
    const caps: string[] = [CAP.base10, CAP.base11, CAP.writableRunning, CAP.startup, CAP.rollbackOnError, CAP.validate10,
      CAP.validate11, CAP.xpath, CAP.notification, CAP.interleave, CAP.withDefaults];
    // RFC 8526 section 2 (NMDA: yang-library 1.1 with content-id) and RFC 7950 section 5.6.4 (1.0, module-set-id, for
    // clients that read /modules-state), both with the revision of the ietf-yang-library module the server implements
    const yl = this.modules.find((m) => m.name === 'ietf-yang-library')!;
    caps.push(`urn:ietf:params:netconf:capability:yang-library:1.0?revision=${yl.revision}&module-set-id=${this.contentId}`);
    caps.push(`urn:ietf:params:netconf:capability:yang-library:1.1?revision=${yl.revision}&content-id=${this.contentId}`);
    for (const m of this.modules) {
      if (m.name === 'ietf-netconf') continue; // the base capabilities stand for it
      let uri = `${m.namespace}?module=${m.name}`;
      if (m.revision) uri += `&revision=${m.revision}`;
      if (m.features.length) uri += `&features=${m.features.join(',')}`;
      caps.push(uri);
    }
    return caps;
  }

  /** Identifies this set of modules (yang-library content-id, modules-state module-set-id). */
  get contentId(): string {
    const h = createHash('sha256');
    for (const m of this.modules) h.update(`${m.name}@${m.revision}:${m.conformance}:${m.features.join(',')}\n`);
    return h.digest('hex').slice(0, 16);
  }

  /** The text of a module for get-schema, byte for byte as kept in yang/; undefined when not kept. */
  schemaText(identifier: string, version?: string): { module: YangModule; text: Buffer } | undefined {
    const m = this.modules.find((x) => x.name === identifier && (!version || x.revision === version));
    if (!m?.file) return undefined;
    return { module: m, text: fs.readFileSync(path.isAbsolute(m.file) ? m.file : path.join(this.yangDir, m.file)) };
  }
}
