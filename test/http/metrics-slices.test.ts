/**
 * GET /metrics at size (src/http/metrics.ts writeMetrics, src/http/chunked-reply.ts): the exposition of a tree of
 * 300 nodes x 10 peers is written family by family as it is rendered, with chunked transfer coding, and equals the
 * one-piece rendering (renderMetrics) of the same tree; Prometheus's own text parser is exercised by
 * test/nms/prometheus.test.ts. A scraper that hangs up in the middle leaves the server answering.
 */
import { expect } from 'chai';
import * as http from 'node:http';
import { renderMetrics } from '../../src/http/metrics';
import { READER, fillSynthetic, httpRequest, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';

describe('GET /metrics in slices (src/http/metrics.ts)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  before(async () => {
    nb = await startNetconfBridge({ networks: [] });
    fillSynthetic(nb.bridge.tree, 1, 300, 10);
  });
  after(async () => { await nb?.cleanup(); });

  it('the exposition equals the one-piece rendering of the same tree, sent with chunked coding', async () => {
    const expected = renderMetrics(nb.bridge.tree);
    const r = await httpRequest(nb.httpPort, { method: 'GET', path: '/metrics', user: READER });
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.equal('text/plain; version=0.0.4; charset=utf-8');
    expect(r.headers['transfer-encoding']).to.equal('chunked');
    expect(r.body.length).to.be.above(500_000);
    expect(r.body).to.equal(expected);
    expect(r.body).to.include('node="node299"');
  });

  it('a scraper that hangs up after the first bytes leaves the server answering', async () => {
    await new Promise<void>((resolve) => {
      const req = http.get({ port: nb.httpPort, host: '127.0.0.1', path: '/metrics', auth: `${READER.name}:${READER.password}` }, (res) => {
        res.once('data', () => { req.destroy(); resolve(); });
      });
      req.on('error', () => resolve());
    });
    const r = await httpRequest(nb.httpPort, { method: 'GET', path: '/metrics', user: READER });
    expect(r.status).to.equal(200);
    expect(r.body).to.equal(renderMetrics(nb.bridge.tree));
  });
});
