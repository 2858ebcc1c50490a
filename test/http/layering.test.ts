/**
 * The HTTP server is shared and no view imports another (issue 15): src/http imports no view; NETCONF and RESTCONF
 * reach the server only through its HttpHost interface (src/http/server.ts); RESTCONF reaches the RPC layer
 * through RestconfRpc, never the NETCONF view, server, transports or dispatcher; NETCONF imports nothing of
 * RESTCONF. Read from the import statements of the sources.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../support/tools';

/** The modules a folder's files import (relative specifiers resolved against src/), by file. */
function importsOf(folder: string): Map<string, string[]> {
  const dir = path.join(projectRoot, 'src', folder);
  const out = new Map<string, string[]>();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const specs = [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1]).filter((s) => s.startsWith('.'))
      .map((s) => path.relative(path.join(projectRoot, 'src'), path.resolve(dir, s)));
    out.set(`${folder}/${f}`, specs);
  }
  return out;
}

function offenders(folder: string, forbidden: RegExp): string[] {
  return [...importsOf(folder)].flatMap(([file, specs]) => specs.filter((s) => forbidden.test(s)).map((s) => `${file} imports ${s}`));
}

describe('layering of the HTTP views (src/http, src/netconf, src/restconf)', () => {
  it('src/http imports no view', () => {
    expect(offenders('http', /^(netconf|restconf|snmp)\//)).to.deep.equal([]);
  });

  it('the views use the HTTP server only through src/http/server (HttpHost)', () => {
    expect(offenders('netconf', /^http\/(?!server$)/)).to.deep.equal([]);
    expect(offenders('restconf', /^http\/(?!server$)/)).to.deep.equal([]);
  });

  it('RESTCONF uses the RPC layer through an interface: not the NETCONF view, server, transports or dispatcher', () => {
    expect(offenders('restconf', /^netconf\/(index|server|http|ssh|dispatch|session|login-gate)$/)).to.deep.equal([]);
  });

  it('NETCONF imports nothing of RESTCONF', () => {
    expect(offenders('netconf', /^restconf\//)).to.deep.equal([]);
  });
});
