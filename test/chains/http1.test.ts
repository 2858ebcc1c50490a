/**
 * The HTTP/1.1 response parser (src/chains/http1.ts), fed the bytes a server sends: whole, and split at
 * every octet (a socket may deliver any split).
 */
import { expect } from 'chai';
import { MalformedResponseError } from '../../src/chains/errors';
import { type Http1Response, MAX_HEAD, postHead, ResponseParser } from '../../src/chains/http1';

/** Feeds the parts in order; the response and the octets after it, or undefined when incomplete. */
function feed(parts: Buffer[], maxBody = 1 << 20, ended = false): { response: Http1Response; rest: string } | undefined {
  const p = new ResponseParser(maxBody);
  for (const part of parts) {
    const r = p.push(part);
    if (r) return { response: r.response, rest: r.rest.toString('latin1') };
  }
  if (!ended) return undefined;
  const r = p.end();
  return r ? { response: r, rest: '' } : undefined;
}

/** The same bytes whole and split in two at every octet: every way gives the same answer. */
function everySplit(text: string, maxBody?: number, ended = false): { response: Http1Response; rest: string } | undefined {
  const b = Buffer.from(text, 'latin1');
  const whole = feed([b], maxBody, ended);
  for (let i = 1; i < b.length; i++) {
    const split = feed([b.subarray(0, i), b.subarray(i)], maxBody, ended);
    // (the octets after the response are those of the part it ended in)
    expect(split === undefined ? undefined : { ...split.response, body: split.response.body.toString() })
      .to.deep.equal(whole === undefined ? undefined : { ...whole.response, body: whole.response.body.toString() }, `split at ${i}`);
  }
  // and one octet at a time
  const bytes = [...b].map((x) => Buffer.from([x]));
  expect(feed(bytes, maxBody, ended)?.response.body.toString()).to.equal(whole?.response.body.toString());
  return whole;
}

function malformed(text: string, maxBody?: number): string {
  try {
    feed([Buffer.from(text, 'latin1')], maxBody);
  } catch (e) {
    expect(e).to.be.instanceOf(MalformedResponseError);
    return (e as Error).message;
  }
  throw new Error('parsed without error');
}

describe('HTTP/1.1 response parser', () => {
  it('writes the head of a POST', () => {
    expect(postHead('/a?b=1', 'node:8545', 12, 'Basic dTpw')).to.equal(
      'POST /a?b=1 HTTP/1.1\r\nHost: node:8545\r\nContent-Type: application/json\r\nContent-Length: 12\r\n'
      + 'Authorization: Basic dTpw\r\nConnection: keep-alive\r\n\r\n');
    expect(postHead('/', 'h', 0, undefined)).to.not.include('Authorization');
  });

  it('reads a body framed by Content-Length, whatever the split, and keeps what follows it', () => {
    const r = everySplit('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n{"result":1}XY');
    expect(r?.response).to.include({ status: 200, keepAlive: true });
    expect(r?.response.body.toString()).to.equal('{"result":1');
    expect(r?.rest).to.equal('}XY');
  });

  it('reads a chunked body with extensions and trailers, whatever the split', () => {
    const r = everySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{"res\r\nB\r\nult":[1,2]}\r\n0\r\nX-Trailer: y\r\n\r\n');
    expect(r?.response.body.toString()).to.equal('{"result":[1,2]}');
    expect(r?.response.keepAlive).to.equal(true);
    expect(r?.rest).to.equal('');
  });

  it('reads a body framed by the end of the connection, and will not keep that connection', () => {
    const text = 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"result":true}';
    expect(everySplit(text)).to.equal(undefined);
    const r = everySplit(text, undefined, true);
    expect(r?.response).to.include({ status: 200, keepAlive: false });
    expect(r?.response.body.toString()).to.equal('{"result":true}');
  });

  it('says a response cut short by the end of the connection is incomplete', () => {
    const p = new ResponseParser(1000);
    expect(p.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'))).to.equal(undefined);
    expect(p.started).to.equal(true);
    expect(p.end()).to.equal(undefined);
    expect(new ResponseParser(1000).started).to.equal(false);
  });

  it('skips interim 1xx responses; 204 has no body', () => {
    const r = everySplit('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}');
    expect(r?.response.status).to.equal(500);
    expect(r?.response.body.toString()).to.equal('{}');
    expect(everySplit('HTTP/1.1 204 No Content\r\n\r\n')?.response).to.include({ status: 204, keepAlive: true });
  });

  it('reads whether the connection may be kept, and the Keep-Alive timeout hint', () => {
    const close = everySplit('HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n');
    expect(close?.response.keepAlive).to.equal(false);
    const kept10 = everySplit('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n');
    expect(kept10?.response).to.include({ keepAlive: true, keepAliveTimeoutS: 5 });
    expect(everySplit('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')?.response.keepAlive).to.equal(false);
  });

  it('refuses a body over the limit, by its Content-Length or as it arrives', () => {
    expect(malformed('HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n', 100)).to.equal('response larger than 100 octets');
    expect(malformed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n${'x'.repeat(101)}\r\n0\r\n\r\n`, 100))
      .to.equal('response larger than 100 octets');
    expect(malformed(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(101)}`, 100)).to.equal('response larger than 100 octets');
    // exactly the limit is accepted
    expect(feed([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${'x'.repeat(100)}`)], 100)?.response.body.length).to.equal(100);
  });

  it('refuses what breaks HTTP/1.1 framing with MalformedResponseError', () => {
    expect(malformed('SSH-2.0-OpenSSH_9.2\r\n\r\n')).to.equal('bad HTTP status line');
    expect(malformed('HTTP/2 200\r\n\r\n')).to.equal('bad HTTP status line');
    expect(malformed('HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n')).to.equal('bad Content-Length');
    expect(malformed('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).to.equal('bad Content-Length');
    expect(malformed('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n')).to.equal('conflicting Content-Length');
    expect(malformed('HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\n')).to.equal('conflicting Content-Length');
    expect(malformed('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n')).to.equal('unsupported Transfer-Encoding gzip, chunked');
    expect(malformed('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n')).to.equal('bad HTTP header field');
    expect(malformed('HTTP/1.1 200 OK\r\n folded: x\r\n\r\n')).to.equal('bad HTTP header field');
    expect(malformed('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).to.equal('bad chunk size');
    expect(malformed('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd')).to.equal('chunk not followed by CRLF');
    expect(malformed('HTTP/1.1 101 Switching Protocols\r\n\r\n')).to.equal('unexpected 101 Switching Protocols');
  });

  it('bounds the head: the longest accepted, one octet more refused, also without its end', () => {
    const fill = (n: number): string => `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(n)}\r\nContent-Length: 0`;
    const base = fill(0).length;
    expect(feed([Buffer.from(fill(MAX_HEAD - base) + '\r\n\r\n')])?.response.status).to.equal(200);
    expect(malformed(fill(MAX_HEAD - base + 1) + '\r\n\r\n')).to.equal(`response head longer than ${MAX_HEAD} octets`);
    expect(malformed(fill(MAX_HEAD))).to.equal(`response head longer than ${MAX_HEAD} octets`);
  });
});
