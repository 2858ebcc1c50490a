/**
 * The configuration datastore: running (in effect) and startup (loaded at boot), as in NETCONF.
 * Every change, whatever the protocol (NETCONF edit-config, SNMP SET, file import), goes through
 * commit(): validate the whole candidate document against the model, check references, let the
 * bridge apply it (an apply that fails rejects the commit), then persist it atomically and audit it.
 * All or nothing.
 */
import { EventEmitter } from 'node:events';
import type { Db } from '../store/db';
import { ConfigError, validateDocument } from './document';
import type { ConfigObject } from './document';
import { diffDocuments } from './diff';
import { checkReferences } from './references';

export type DatastoreName = 'running' | 'startup';

export interface CommitInfo {
  readonly user: string;
  /** netconf | snmp | http | file | boot */
  readonly source: string;
}

export interface CommitRecord extends CommitInfo {
  readonly time: number;
  readonly target: DatastoreName;
  readonly diff: readonly string[];
}

export interface DatastoreEvents {
  committed: [CommitRecord];
}

/** A datastore is locked (NETCONF <lock>) by a session other than the committer. */
export class DatastoreLockedError extends ConfigError {
  constructor(readonly target: DatastoreName, readonly holder: string) {
    super('', `the ${target} datastore is locked by ${holder}`);
  }
}

/** Called before every commit; throws (e.g. DatastoreLockedError) to refuse it. */
export type CommitGuard = (target: DatastoreName, info: CommitInfo) => void;

/** Applies a candidate running configuration to the live bridge; throws (ConfigError) to refuse it. */
export type ApplyHook = (doc: ConfigObject, previous: ConfigObject) => void;

export class ConfigDatastore extends EventEmitter<DatastoreEvents> {
  private docs = new Map<DatastoreName, ConfigObject>();
  private apply: ApplyHook = () => undefined;
  private guards: CommitGuard[] = [];
  commitCount = 0;
  lastCommit: CommitRecord | undefined;

  constructor(private readonly db: Db) {
    super();
    const rows = db.prepare('SELECT name, doc, commit_count AS n FROM datastore').all() as { name: DatastoreName; doc: string; n: number }[];
    for (const r of rows) {
      this.docs.set(r.name, validateDocument(JSON.parse(r.doc)));
      if (r.name === 'running') this.commitCount = r.n;
    }
  }

  /** Whether a startup configuration was ever saved. */
  hasStartup(): boolean { return this.docs.has('startup'); }
  has(name: DatastoreName): boolean { return this.docs.has(name); }

  get(name: DatastoreName): ConfigObject {
    return structuredClone(this.docs.get(name) ?? {});
  }

  setApplyHook(hook: ApplyHook): void { this.apply = hook; }

  /** Adds a check run before every commit (NETCONF locks cover SNMP SETs and imports too). Returns its remover. */
  addGuard(g: CommitGuard): () => void {
    this.guards.push(g);
    return () => { this.guards = this.guards.filter((x) => x !== g); };
  }

  /**
   * Validates, applies and persists a new document for a datastore. Returns the diff (empty when
   * nothing changed). Throws ConfigError naming the offending path; nothing changes then.
   */
  commit(target: DatastoreName, candidate: unknown, info: CommitInfo): CommitRecord {
    for (const g of this.guards) g(target, info);
    const doc = validateDocument(candidate);
    checkReferences(doc);
    const previous = this.docs.get(target) ?? {};
    const diff = diffDocuments(previous, doc);
    const record: CommitRecord = { ...info, time: Date.now(), target, diff };
    if (!diff.length && this.docs.has(target)) return record;
    if (target === 'running') {
      try {
        this.apply(doc, previous);
      } catch (e) {
        // Put the previous configuration back in effect; the commit did not happen.
        try { this.apply(previous, doc); } catch { /* previous was in effect before: best effort */ }
        if (e instanceof ConfigError) throw e;
        throw new ConfigError('', `cannot apply: ${(e as Error).message}`);
      }
    }
    const n = target === 'running' ? this.commitCount + 1 : this.commitCount;
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO datastore (name, doc, updated, user, commit_count) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(name) DO UPDATE SET doc = excluded.doc, updated = excluded.updated, user = excluded.user, commit_count = excluded.commit_count`)
        .run(target, JSON.stringify(doc), record.time, info.user, n);
      this.db.prepare('INSERT INTO audit (time, user, source, target, diff) VALUES (?, ?, ?, ?, ?)')
        .run(record.time, info.user, info.source, target, JSON.stringify(diff));
    })();
    this.docs.set(target, doc);
    if (target === 'running') { this.commitCount = n; this.lastCommit = record; }
    this.emit('committed', record);
    return record;
  }

  /** When and by whom running was last committed, as saved (the same after a restart). */
  lastSavedCommit(): { time: number; user: string } | undefined {
    return this.db.prepare("SELECT updated AS time, user FROM datastore WHERE name = 'running'").get() as { time: number; user: string } | undefined;
  }

  /** Forgets a datastore's document (a first boot that seeded it failed); the audit trail keeps the commit. */
  discard(name: DatastoreName): void {
    this.db.prepare('DELETE FROM datastore WHERE name = ?').run(name);
    this.docs.delete(name);
    if (name === 'running') { this.commitCount = 0; this.lastCommit = undefined; }
  }

  /** copy-config running → startup (or back). */
  copy(from: DatastoreName, to: DatastoreName, info: CommitInfo): CommitRecord {
    return this.commit(to, this.get(from), info);
  }

  /** Validates a candidate without applying or persisting it (NETCONF validate, test-option test-only). */
  validate(candidate: unknown): ConfigObject {
    const doc = validateDocument(candidate);
    checkReferences(doc);
    return doc;
  }

  audit(limit = 100): CommitRecord[] {
    const rows = this.db.prepare('SELECT time, user, source, target, diff FROM audit ORDER BY id DESC LIMIT ?').all(limit) as
      { time: number; user: string; source: string; target: DatastoreName; diff: string }[];
    return rows.map((r) => ({ time: r.time, user: r.user, source: r.source, target: r.target, diff: JSON.parse(r.diff) as string[] }));
  }
}
