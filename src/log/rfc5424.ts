/**
 * RFC 5424 syslog message codec (pure): format a record, parse one back (the tests parse what the
 * forwarder sends, they do not grep it). PRI = facility * 8 + severity.
 */
export const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface SyslogRecord {
  readonly facility: number;
  readonly severity: Severity;
  /** ms since the epoch */
  readonly time: number;
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
  readonly msgId: string;
  readonly sd: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly message: string;
}

export function severityCode(s: Severity): number { return SEVERITIES.indexOf(s); }

/** PRINTUSASCII without space, '=', ']' and '"' for names; truncated to the RFC's field limits. */
function token(s: string, max: number, sdName = false): string {
  if (!s) return '-';
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const ok = c >= 33 && c <= 126 && !(sdName && (ch === '=' || ch === ']' || ch === '"'));
    out += ok ? ch : '_';
    if (out.length >= max) break;
  }
  return out;
}

function escapeParam(v: string): string {
  return v.replace(/[\\"\]]/g, (m) => `\\${m}`);
}

export function formatSd(sd: SyslogRecord['sd']): string {
  const ids = Object.keys(sd);
  if (!ids.length) return '-';
  return ids.map((id) => {
    const params = Object.entries(sd[id]).map(([k, v]) => ` ${token(k, 32, true)}="${escapeParam(v)}"`).join('');
    return `[${token(id, 32, true)}${params}]`;
  }).join('');
}

/** RFC 5424 TIMESTAMP: RFC 3339 in UTC with milliseconds. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function formatSyslog(r: SyslogRecord): string {
  const pri = r.facility * 8 + severityCode(r.severity);
  const msg = r.message ? ` \uFEFF${r.message}` : '';
  return `<${pri}>1 ${formatTime(r.time)} ${token(r.hostname, 255)} ${token(r.appName, 48)} ${token(r.procId, 128)} ${token(r.msgId, 32)} ${formatSd(r.sd)}${msg}`;
}

export class SyslogParseError extends Error { override readonly name = 'SyslogParseError'; }

/** Parses an RFC 5424 message (without transport framing). */
export function parseSyslog(text: string): SyslogRecord {
  const m = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (!m) throw new SyslogParseError('not an RFC 5424 header');
  const pri = Number(m[1]);
  if (pri > 191) throw new SyslogParseError('PRI out of range');
  const time = m[2] === '-' ? NaN : Date.parse(m[2]);
  if (m[2] !== '-' && (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.test(m[2]))) {
    throw new SyslogParseError(`bad TIMESTAMP ${m[2]}`);
  }
  let rest = text.slice(m[0].length);
  const sd: Record<string, Record<string, string>> = {};
  if (rest.startsWith('-')) rest = rest.slice(1);
  else {
    while (rest.startsWith('[')) {
      const id = /^\[([^ \]=" ]+)/.exec(rest);
      if (!id) throw new SyslogParseError('bad SD-ID');
      rest = rest.slice(id[0].length);
      const params: Record<string, string> = {};
      for (;;) {
        if (rest.startsWith(']')) { rest = rest.slice(1); break; }
        const p = /^ ([^ \]=" ]+)="/.exec(rest);
        if (!p) throw new SyslogParseError('bad SD-PARAM');
        rest = rest.slice(p[0].length);
        let v = '';
        for (;;) {
          if (!rest.length) throw new SyslogParseError('unterminated PARAM-VALUE');
          const ch = rest[0];
          if (ch === '\\' && rest.length > 1 && '"\\]'.includes(rest[1])) { v += rest[1]; rest = rest.slice(2); continue; }
          if (ch === '"') { rest = rest.slice(1); break; }
          v += ch; rest = rest.slice(1);
        }
        params[p[1]] = v;
      }
      sd[id[1]] = params;
    }
  }
  let message = '';
  if (rest.startsWith(' ')) message = rest.slice(1).replace(/^\uFEFF/, '');
  else if (rest.length) throw new SyslogParseError('junk after STRUCTURED-DATA');
  const dash = (s: string): string => (s === '-' ? '' : s);
  return {
    facility: Math.floor(pri / 8), severity: SEVERITIES[pri % 8], time, hostname: dash(m[3]), appName: dash(m[4]),
    procId: dash(m[5]), msgId: dash(m[6]), sd, message,
  };
}

/** RFC 6587 octet counting: "LEN SP MSG". */
export function octetCounted(msg: string): Buffer {
  const body = Buffer.from(msg, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}
