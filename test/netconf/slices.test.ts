/**
 * A full <get> of a large tree is built and written in slices that give the event loop back
 * (managedSystemNodeAsync, nodesToXmlAsync): the same data as the one-piece build, with other callbacks run
 * in between. Pure, no servers.
 */
import { expect } from 'chai';
import { validateDocument } from '../../src/config/document';
import { nodesToXml, nodesToXmlAsync } from '../../src/netconf/data';
import { NC_NS } from '../../src/netconf/namespaces';
import { managedSystemNode, managedSystemNodeAsync } from '../../src/netconf/render';
import { InstanceTree } from '../../src/state/tree';
import { fillSynthetic } from '../support/netconf';

/** Runs f while counting the setImmediate callbacks that ran before it finished. */
async function turnsDuring<T>(f: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let on = true;
  const tick = (): void => { if (on) { turns++; setImmediate(tick); } };
  setImmediate(tick);
  const value = await f();
  on = false;
  return { value, turns };
}

describe('NETCONF data built and written in slices', () => {
  const tree = new InstanceTree();
  fillSynthetic(tree, 2, 300, 20);
  const doc = validateDocument({
    networks: [{ name: 'net0', platform: 'ethereum', pollInterval: 5, nodes: [{ name: 'node0', endpoint: 'http://127.0.0.1:10000' }] },
      { name: 'cfgonly', platform: 'bitcoin', description: 'not collected yet' }],
  });

  it('managedSystemNodeAsync gives the same data as managedSystemNode, for <get> and <get-config>, and lets other callbacks run', async () => {
    const whole = nodesToXml([managedSystemNode(tree.root, doc, { state: true })], NC_NS);
    const { value, turns } = await turnsDuring(() => managedSystemNodeAsync(tree.root, doc, { state: true }));
    expect(nodesToXml([value], NC_NS)).to.equal(whole);
    expect(whole).to.include('<name>node299</name>').and.include('<name>cfgonly</name>');
    expect(turns, 'event-loop turns during the build of 600 nodes x 20 peers').to.be.greaterThan(0);
    const config = await managedSystemNodeAsync(undefined, doc, { state: false, withDefaults: 'report-all' });
    expect(nodesToXml([config], NC_NS)).to.equal(nodesToXml([managedSystemNode(undefined, doc, { state: false, withDefaults: 'report-all' })], NC_NS));
  });

  it('nodesToXmlAsync writes the same text as nodesToXml and lets other callbacks run', async () => {
    const data = [managedSystemNode(tree.root, doc, { state: true })];
    const { value, turns } = await turnsDuring(() => nodesToXmlAsync(data, NC_NS));
    expect(value).to.equal(nodesToXml(data, NC_NS));
    expect(turns, 'event-loop turns while writing 600 nodes x 20 peers').to.be.greaterThan(0);
    expect(await nodesToXmlAsync([], NC_NS)).to.equal('');
  });
});
