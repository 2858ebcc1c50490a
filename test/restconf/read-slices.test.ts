/**
 * RESTCONF reads of megabytes (src/restconf/json-text.ts, xml-text.ts, src/http/chunked-reply.ts): the body is
 * encoded in slices and written as it is encoded. The sliced text equals the one-piece encoding (JSON.stringify of
 * membersJson, nodesToXml) byte for byte, a reply longer than one chunk goes out with chunked transfer coding (a short
 * one with its Content-Length), the writers give the event loop back, and curl reads the long reply whole.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inner, leaf, nodesToXml } from '../../src/netconf/data';
import type { DNode } from '../../src/netconf/data';
import { Turns } from '../../src/turns';
import { readData } from '../../src/restconf/datastore';
import { membersJson } from '../../src/restconf/json';
import { TextParts, writeMembersJson } from '../../src/restconf/json-text';
import { writeNodesXml } from '../../src/restconf/xml-text';
import { parseDataQuery } from '../../src/restconf/query';
import { RESTCONF_NS } from '../../src/restconf/errors';
import { writeDatastoreReply } from '../../src/restconf/encode';
import { restconfStateNode } from '../../src/restconf/monitoring';
import { curl } from '../support/curl';
import { ADMIN, READER, fillSynthetic, httpRequest, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { requireTool } from '../support/tools';

const A = 'urn:a';
const B = 'urn:b';
const moduleOf = (ns: string): string => (ns === A ? 'mod-a' : ns === B ? 'mod-b' : ns);

async function jsonText(nodes: readonly DNode[], parentNs: string): Promise<string> {
  const parts = new TextParts();
  await writeMembersJson(nodes, parentNs, moduleOf, parts, new Turns(0));
  return parts.text();
}

async function xmlText(nodes: readonly DNode[], parentNs: string): Promise<string> {
  const parts = new TextParts();
  await writeNodesXml(nodes, parentNs, parts, new Turns(0));
  return parts.text();
}

describe('RESTCONF reads in slices (json-text, xml-text, chunked replies)', function () {
  this.timeout(120_000);

  it('the sliced JSON and XML equal the one-piece encodings: runs, a name that comes back (grouped), namespaces, leaf-lists, empty containers', async () => {
    const nodes: DNode[] = [
      inner('top', A, [
        leaf('x', A, '1'),
        inner('entry', A, [leaf('k', A, 'a&b'), leaf('v', A, 'x<y')], 1),
        inner('entry', A, [leaf('k', A, 'c'), leaf('v', A, '"q"')], 1),
        leaf('ll', A, 'one', undefined, { type: { base: 'text' }, value: 'one', multi: true }),
        leaf('y', B, 'two'),
        leaf('x', A, '3'), // comes back after others: the object is grouped by name
        inner('empty', B, []),
      ]),
      leaf('id', B, 'mod-b:thing', B),
    ];
    expect(await jsonText(nodes, '')).to.equal(JSON.stringify(membersJson(nodes, '', moduleOf)));
    expect(await xmlText(nodes, '')).to.equal(nodesToXml(nodes, ''));
    expect(await jsonText(nodes[0].children!, A)).to.equal(JSON.stringify(membersJson(nodes[0].children!, A, moduleOf)));
  });

  it('a long list is written over several turns of the event loop (slices of no time: a turn at each entry)', async () => {
    const list = Array.from({ length: 1000 }, (_, i) => inner('entry', A, [leaf('k', A, String(i)), inner('sub', A, [leaf('v', A, 'x')])], 1));
    let turns = 0;
    let stop = false;
    const count = (): void => { if (!stop) { turns++; setImmediate(count); } };
    setImmediate(count);
    const json = await jsonText([inner('top', A, list)], '');
    const atJson = turns;
    const xml = await xmlText([inner('top', A, list)], '');
    stop = true;
    expect(json).to.equal(JSON.stringify(membersJson([inner('top', A, list)], '', moduleOf)));
    expect(xml).to.equal(nodesToXml([inner('top', A, list)], ''));
    expect(atJson, 'turns during the JSON write').to.be.at.least(10);
    expect(turns - atJson, 'turns during the XML write').to.be.at.least(10);
  });

  describe('over HTTP against a bridge of 300 nodes x 10 peers', () => {
    let nb: NetconfBridge;
    before(async () => {
      nb = await startNetconfBridge({ networks: [] });
      fillSynthetic(nb.bridge.tree, 1, 300, 10);
    });
    after(async () => { await nb?.cleanup(); });

    it('GET /restconf/data in JSON and XML equals the one-piece encoding of the same data, sent with chunked coding', async () => {
      const src = nb.view.rpc;
      const moduleOfCat = (ns: string): string => src.catalogue.modules.find((m) => m.namespace === ns)?.name ?? ns;
      const nsOfModule = (name: string): string | undefined => src.catalogue.modules.find((m) => m.name === name)?.namespace;
        const [json, xml] = [await httpRequest(nb.httpPort, { method: 'GET', path: '/restconf/data?content=nonconfig', user: READER, headers: { Accept: 'application/yang-data+json' } }),
          await httpRequest(nb.httpPort, { method: 'GET', path: '/restconf/data?content=nonconfig', user: READER, headers: { Accept: 'application/yang-data+xml' } })];
        expect(json.status).to.equal(200);
        expect(xml.status).to.equal(200);
        expect(json.body.length).to.be.above(1_000_000);
        expect(json.headers['transfer-encoding']).to.equal('chunked');
        expect(json.headers['content-length']).to.equal(undefined);
        expect(json.headers['content-type']).to.match(/^application\/yang-data\+json/);
        // the same data encoded in one piece (the router adds the RESTCONF monitoring state: left out of the comparison)
        const nodes = await readData(src, [], parseDataQuery('content=nonconfig'), nsOfModule);
        const parsed = JSON.parse(json.body) as { 'ietf-restconf:data': Record<string, unknown> };
        const expected = JSON.parse(JSON.stringify({ 'ietf-restconf:data': membersJson(nodes, RESTCONF_NS, moduleOfCat) })) as { 'ietf-restconf:data': Record<string, unknown> };
        delete parsed['ietf-restconf:data']['ietf-restconf-monitoring:restconf-state'];
        expect(parsed).to.deep.equal(expected);
        expect(xml.body.startsWith(`<data xmlns="${RESTCONF_NS}">${nodesToXml(nodes.slice(0, 1), RESTCONF_NS)}`)).to.equal(true);
    });

    it('a short reply carries its Content-Length', async () => {
      const r = await httpRequest(nb.httpPort, { method: 'GET', path: '/restconf/data/blockchain-mgmt:managed-system/network=net0/node=node7/height', user: ADMIN, headers: { Accept: 'application/yang-data+json' } });
      expect(r.status).to.equal(200);
      expect(r.headers['content-length']).to.equal(String(Buffer.byteLength(r.body)));
      expect(JSON.parse(r.body)).to.deep.equal({ 'blockchain-mgmt:height': '123456' });
    });

    it('curl reads the long reply whole; a client that hangs up in the middle leaves the server answering', async function () {
      requireTool(this, 'curl', 'curl');
      const url = `http://127.0.0.1:${nb.httpPort}/restconf/data`;
      const file = path.join(os.tmpdir(), `bcm-read-slices-${process.pid}.json`);
      const whole = await curl(['-u', `${READER.name}:${READER.password}`, '-H', 'Accept: application/yang-data+json', '-o', file, url]);
      expect(whole.status).to.equal(200);
      expect(whole.headers).to.match(/transfer-encoding: chunked/i);
      const body = fs.readFileSync(file, 'utf8');
      fs.rmSync(file, { force: true });
      const data = (JSON.parse(body) as { 'ietf-restconf:data': { 'blockchain-mgmt:managed-system': { network: { node: unknown[] }[] } } })['ietf-restconf:data'];
      expect(data['blockchain-mgmt:managed-system'].network[0].node).to.have.length(300);
      // curl gives up after the first bytes (--max-filesize is checked as data arrives)
      await curl(['-u', `${READER.name}:${READER.password}`, '--max-filesize', '1000', url]).catch(() => undefined);
      const after = await httpRequest(nb.httpPort, { method: 'GET', path: '/restconf/data/blockchain-mgmt:managed-system/network=net0/node=node1/height', user: ADMIN, headers: { Accept: 'application/yang-data+json' } });
      expect(after.status).to.equal(200);
    });

    it('the whole datastore written straight from the tree equals the data-tree path (JSON and XML; content, with-defaults)', async () => {
      const src = nb.view.rpc;
      const moduleOfCat = (ns: string): string => src.catalogue.modules.find((m) => m.namespace === ns)?.name ?? ns;
      const nsOfModule = (name: string): string | undefined => src.catalogue.modules.find((m) => m.name === name)?.namespace;
      // a network of the configuration: configuration leaves merged into the tree's instances
      nb.bridge.datastore.commit('running', { ...nb.bridge.datastore.get('running'), networks: [{ name: 'net0', platform: 'ethereum', pollInterval: 7, adminState: 'locked',
        nodes: [{ name: 'node3', endpoint: 'http://127.0.0.1:9/' }, { name: 'extra', endpoint: 'http://127.0.0.1:9/' }] }] }, { user: 'test', source: 'netconf' });
      for (const query of ['', 'content=config', 'with-defaults=report-all', 'content=config&with-defaults=trim', 'with-defaults=trim']) {
        for (const [enc, accept] of [['json', 'application/yang-data+json'], ['xml', 'application/yang-data+xml']] as const) {
          const r = await httpRequest(nb.httpPort, { method: 'GET', path: `/restconf/data${query ? `?${query}` : ''}`, user: ADMIN, headers: { Accept: accept } });
          expect(r.status, query).to.equal(200);
          const q = parseDataQuery(query);
          const extra = q.content === 'config' ? [] : [restconfStateNode(`http://127.0.0.1:${nb.httpPort}`)];
          const nodes = await readData(src, [], q, nsOfModule, undefined, extra);
          const built = new TextParts();
          await writeDatastoreReply(nodes, enc, moduleOfCat, built, new Turns());
          expect(r.body, `${enc} ${query}`).to.equal(built.text());
          expect(r.body, 'no password (hash) ever comes out').not.to.match(/scrypt\$|admin-secret-1|reader-secret-1/);
        }
      }
      const json = await httpRequest(nb.httpPort, { method: 'GET', path: '/restconf/data?content=config', user: ADMIN, headers: { Accept: 'application/yang-data+json' } });
      const nets = (JSON.parse(json.body) as { 'ietf-restconf:data': { 'blockchain-mgmt:managed-system': { network: { name: string; 'poll-interval': number; node: unknown[] }[] } } })['ietf-restconf:data']['blockchain-mgmt:managed-system'].network;
      expect(nets.map((n) => [n.name, n['poll-interval'], n.node.length])).to.deep.equal([['net0', 7, 2]]);
    });
  });
});
