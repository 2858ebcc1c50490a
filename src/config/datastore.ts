/**
 * The configuration datastore: running (in effect) and startup (loaded at boot), as in NETCONF.
 * Every change, whatever the protocol (NETCONF edit-config, SNMP SET, file import), goes through
 * commit(): validate the whole candidate document against the model, check references, persist it and
 * its audit entry in one transaction, then let the bridge apply it. An apply that fails rejects the commit:
 * the previous configuration is put back in effect and back in the store, so that the running datastore
 * and the configuration in effect always agree. All or nothing; when putting the previous configuration
 * back fails too, the commit fails with RollbackFailedError and a rollbackFailed event (logged), never silently.
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
  /** netconf | restconf | snmp | http | file | boot */
  readonly source: string;
}

export interface CommitRecord extends CommitInfo {
  readonly time: number;
  readonly target: DatastoreName;
  readonly diff: readonly string[];
}

export interface RollbackFailure {
  readonly target: DatastoreName;
  readonly info: CommitInfo;
  /** Why the commit failed. */
  readonly cause: string;
  /** What failed while putting the previous configuration back. */
  readonly rollback: string;
}

export interface DatastoreEvents {
  committed: [CommitRecord];
  /** A refused commit could not be undone completely: the configuration in effect may differ from running. */
  rollbackFailed: [RollbackFailure];
}

/** The store refused to save a configuration: nothing changed. */
export class SaveFailedError extends ConfigError {
  constructor(readonly target: DatastoreName, cause: string) {
    super('', `cannot save the ${target} configuration: ${cause}`);
  }
}

/** A refused commit could not be undone completely (see RollbackFailure). */
export class RollbackFailedError extends ConfigError {
  constructor(readonly failure: RollbackFailure) {
    super('', `${failure.cause}; restoring the previous ${failure.target} configuration failed too: ${failure.rollback}`);
  }
}

interface StoredRow { doc: string; updated: number; user: string; commit_count: number }

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

const EMPTY_DOC: Readonly<ConfigObject> = Object.freeze({});

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

  /**
   * The stored document itself, not a copy, for readers that only read it (the renderers of <get> and RESTCONF
   * GET): a read costs nothing in proportion to the configuration. It must not be changed; a commit replaces the
   * stored document, it never changes it.
   */
  read(name: DatastoreName): Readonly<ConfigObject> {
    return this.docs.get(name) ?? EMPTY_DOC;
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
    const n = target === 'running' ? this.commitCount + 1 : this.commitCount;
    const before = this.db.prepare('SELECT doc, updated, user, commit_count FROM datastore WHERE name = ?').get(target) as StoredRow | undefined;
    let auditId: number | bigint;
    // running: written to the WAL without waiting for its fsync (synchronous=NORMAL), durable across a crash or
    // kill -9 of the process (not across a power loss of the host); startup, the configuration of the next boot,
    // waits for it (FULL). The fsync costs a few ms per commit (bench/restconf-write.ts).
    if (target === 'running') this.db.pragma('synchronous = NORMAL');
    try {
      auditId = this.db.transaction(() => {
        this.save(target, { doc: JSON.stringify(doc), updated: record.time, user: info.user, commit_count: n });
        return this.db.prepare('INSERT INTO audit (time, user, source, target, diff) VALUES (?, ?, ?, ?, ?)')
          .run(record.time, info.user, info.source, target, JSON.stringify(diff)).lastInsertRowid;
      })();
    } catch (e) {
      throw new SaveFailedError(target, (e as Error).message);
    } finally {
      if (target === 'running') this.db.pragma('synchronous = FULL');
    }
    if (target === 'running') {
      try {
        this.apply(doc, previous);
      } catch (e) {
        const cause = e instanceof ConfigError ? e : new ConfigError('', `cannot apply: ${(e as Error).message}`);
        this.undo(target, info, before, auditId, previous, doc, cause);
        throw cause;
      }
    }
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

  private save(target: DatastoreName, row: StoredRow): void {
    this.db.prepare(`INSERT INTO datastore (name, doc, updated, user, commit_count) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET doc = excluded.doc, updated = excluded.updated, user = excluded.user, commit_count = excluded.commit_count`)
      .run(target, row.doc, row.updated, row.user, row.commit_count);
  }

  /**
   * After a refused apply: puts the previous configuration back in effect and back in the store (with the
   * audit entry of the refused commit removed). Throws RollbackFailedError, after a rollbackFailed event,
   * when either fails.
   */
  private undo(target: DatastoreName, info: CommitInfo, before: StoredRow | undefined, auditId: number | bigint,
    previous: ConfigObject, refused: ConfigObject, cause: ConfigError): void {
    const problems: string[] = [];
    try {
      this.apply(previous, refused);
    } catch (e) {
      problems.push(`cannot put it back in effect: ${(e as Error).message}`);
    }
    try {
      this.db.transaction(() => {
        if (before) this.save(target, before);
        else this.db.prepare('DELETE FROM datastore WHERE name = ?').run(target);
        this.db.prepare('DELETE FROM audit WHERE id = ?').run(auditId);
      })();
    } catch (e) {
      problems.push(`cannot save it back: ${(e as Error).message}`);
    }
    if (!problems.length) return;
    const failure: RollbackFailure = { target, info, cause: cause.message, rollback: problems.join('; ') };
    this.emit('rollbackFailed', failure);
    throw new RollbackFailedError(failure);
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
