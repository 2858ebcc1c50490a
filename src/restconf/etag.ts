/**
 * Entity tags and modification times (RFC 8040 sections 3.4.1.1-3.4.1.3, 3.5.1-3.5.2) and the conditional
 * requests of RFC 7232. The running datastore has one entity-tag and one Last-Modified time, which change at
 * every commit that changes it, whatever the view (NETCONF, RESTCONF, SNMP SET, file import); every
 * configuration data resource carries the datastore's (RFC 8040 section 3.5.2 allows it). They are sent with
 * configuration only (content=config, RFC 8040 Appendix B.3.1) and with the replies of writes, since state data
 * changes at every poll without a commit.
 *
 * Preconditions, in the order of RFC 7232 section 6: If-Match, else If-Unmodified-Since (failing: 412
 * operation-failed, RFC 8040 section 7); then If-None-Match, else If-Modified-Since on GET/HEAD (304 Not
 * Modified; on a write, a matching If-None-Match is 412).
 */
import type { Request, Response } from 'express';
import type { ConfigDatastore } from '../config/datastore';
import { RestconfError } from './errors';

export interface Version {
  /** Strong entity-tag, quotes included. */
  readonly etag: string;
  /** ms since the epoch. */
  readonly lastModified: number;
}

const cache = new WeakMap<ConfigDatastore, { count: number; commit: object | undefined; version: Version }>();

/** The running datastore's entity-tag and Last-Modified time (read from the store once per commit). */
export function datastoreVersion(ds: ConfigDatastore): Version {
  const c = cache.get(ds);
  if (c && c.count === ds.commitCount && c.commit === ds.lastCommit) return c.version;
  const time = ds.lastCommit?.time ?? ds.lastSavedCommit()?.time ?? 0;
  const version = { etag: `"${ds.commitCount.toString(36)}-${time.toString(36)}"`, lastModified: time };
  cache.set(ds, { count: ds.commitCount, commit: ds.lastCommit, version });
  return version;
}

/** The headers of a version. */
export function versionHeaders(v: Version): Record<string, string> {
  return { ETag: v.etag, 'Last-Modified': new Date(v.lastModified).toUTCString() };
}

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

const one = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h.join(', ') : h);

/** Whether an If-Match / If-None-Match list names the tag ("*": any existing resource). */
function listMatches(header: string, v: Version, exists: boolean, weak: boolean): boolean {
  if (header.trim() === '*') return exists;
  if (!exists) return false;
  const tags = header.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return tags.some((t) => (t.startsWith('W/') ? weak && t.slice(2) === v.etag : t === v.etag));
}

/** An HTTP-date in ms, rounded down to the second; undefined when it is not a date (the header is then ignored). */
function dateOf(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const t = Date.parse(header);
  return Number.isFinite(t) ? Math.floor(t / 1000) * 1000 : undefined;
}

const modifiedAfter = (v: Version, date: number): boolean => Math.floor(v.lastModified / 1000) * 1000 > date;

/** 412 of a failed precondition. */
export const preconditionFailed = (what: string): RestconfError => new RestconfError(412, 'operation-failed', 'protocol', `precondition failed: ${what}`);

/**
 * Evaluates the conditional headers of a request on a resource of version v. Returns 'not-modified' (send 304)
 * for a read, throws 412 for a failed precondition, returns 'proceed' otherwise.
 */
export function checkPreconditions(headers: Headers, v: Version, exists: boolean, read: boolean): 'proceed' | 'not-modified' {
  const ifMatch = one(headers['if-match']);
  if (ifMatch !== undefined) {
    if (!listMatches(ifMatch, v, exists, false)) throw preconditionFailed(`If-Match ${ifMatch}: the entity-tag is ${exists ? v.etag : 'none (no such resource)'}`);
  } else {
    const since = dateOf(one(headers['if-unmodified-since']));
    if (since !== undefined && exists && modifiedAfter(v, since)) throw preconditionFailed(`modified since ${new Date(since).toUTCString()} (Last-Modified ${new Date(v.lastModified).toUTCString()})`);
  }
  const ifNoneMatch = one(headers['if-none-match']);
  if (ifNoneMatch !== undefined) {
    if (listMatches(ifNoneMatch, v, exists, true)) {
      if (read) return 'not-modified';
      throw preconditionFailed(`If-None-Match ${ifNoneMatch}: the resource ${ifNoneMatch.trim() === '*' ? 'exists' : `has entity-tag ${v.etag}`}`);
    }
  } else if (read) {
    const since = dateOf(one(headers['if-modified-since']));
    if (since !== undefined && exists && !modifiedAfter(v, since)) return 'not-modified';
  }
  return 'proceed';
}

/**
 * For a read of configuration (of a resource that exists): sets ETag and Last-Modified, and answers 304 (true)
 * when the conditional headers say the client's copy is current; throws 412 for a failed If-Match.
 */
export function notModified(req: Request, res: Response, ds: ConfigDatastore): boolean {
  const v = datastoreVersion(ds);
  res.set(versionHeaders(v));
  if (checkPreconditions(req.headers, v, true, true) !== 'not-modified') return false;
  res.status(304).set('Cache-Control', 'no-cache').end();
  return true;
}
