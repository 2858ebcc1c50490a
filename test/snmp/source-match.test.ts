/**
 * A community's source prefixes (src/snmp/access.ts cidrMatcher) remember their answer per source address, at
 * most MATCH_CACHE_MAX addresses per prefix. The memo must never change an answer: checked against
 * net.BlockList for more distinct addresses than the bound (so the memo is emptied on the way), each address
 * asked twice, IPv4-mapped IPv6 sources, the other address family and malformed prefixes.
 */
import { expect } from 'chai';
import * as net from 'node:net';
import { MATCH_CACHE_MAX, cidrMatcher } from '../../src/snmp/access';

describe('SNMP community source prefixes (cidrMatcher memo)', () => {
  it(`answers as net.BlockList for ${3 * 1024} distinct sources, each asked twice, past the bound of ${MATCH_CACHE_MAX}`, () => {
    const m = cidrMatcher('10.1.0.0/23');
    const bl = new net.BlockList();
    bl.addSubnet('10.1.0.0', 23, 'ipv4');
    const addrs = Array.from({ length: 3 * 1024 }, (_, i) => `10.1.${(i >> 8) & 255}.${i & 255}`);
    expect(addrs.length).to.be.greaterThan(2 * MATCH_CACHE_MAX);
    let inside = 0;
    for (const round of [0, 1]) {
      for (const a of addrs) {
        const want = bl.check(a, 'ipv4');
        if (round === 0 && want) inside++;
        expect(m(a), `${a} (round ${round})`).to.equal(want);
        expect(m(`::ffff:${a}`), `::ffff:${a}`).to.equal(want);
      }
    }
    expect(inside).to.equal(512);
  });

  it('keeps the families apart and matches nothing with a malformed prefix', () => {
    const v4 = cidrMatcher('127.0.0.0/8');
    const v6 = cidrMatcher('::1/128');
    for (let k = 0; k < 2; k++) {
      expect(v4('127.0.0.1')).to.equal(true);
      expect(v4('::1')).to.equal(false);
      expect(v6('::1')).to.equal(true);
      expect(v6('127.0.0.1')).to.equal(false);
      expect(v4('not-an-address')).to.equal(false);
    }
    for (const bad of ['10.0.0.0/33', '10.0.0.0/x', 'host/8', '::1/129', '']) expect(cidrMatcher(bad)('10.0.0.1'), bad).to.equal(false);
    expect(cidrMatcher('10.0.0.1')('10.0.0.1')).to.equal(true);
    expect(cidrMatcher('10.0.0.1')('10.0.0.2')).to.equal(false);
  });
});
