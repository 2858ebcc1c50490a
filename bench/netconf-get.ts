/**
 * NETCONF benchmark: a full <get> of a bridge managing 100 nodes with 20 peers each (synthetic instances
 * in the live tree), and edit-config latency.
 *
 *   node dist/bench/netconf-get.js [--iterations N]
 *
 * Reports median and p99 of
 *   - the server-side time of a full <get> (the RPC layer: parse, build the data, serialize), and of a <get>
 *     with a subtree filter selecting one node;
 *   - with 1,000 nodes of 20 peers: a <get> of one node by subtree filter and by XPath filter, server side, against
 *     the full <get> of the same tree in the same run (issue 16 target 2: one node of 1,000 in at most 2 ms; the
 *     filtered <get> builds only the part of the tree its filter may select);
 *   - the round trip of a full <get> over SSH (chunked framing, one session);
 *   - edit-config of one leaf (a network's poll-interval), server-side and over SSH: parse, edit a copy of
 *     running, validate, apply to the collector, persist (SQLite) — the figure to set against the ~80 ms per
 *     edit-config published for netopeer2/sysrepo.
 * Nothing leaves the loopback interface; the bench stops by itself.
 */
import * as os from 'node:os';
import type { Session } from '../src/netconf/server';
import { replyText } from '../src/netconf/session';
import { BCM, rpc } from '../test/support/netconf';
import { sshClient } from './netconf-client';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

const NODES = 100;
const PEERS = 20;
/** The tree of issue 16 target 2: one node of 1,000. */
const BIG_NODES = 1000;

async function main(): Promise<void> {
  const iArg = process.argv.indexOf('--iterations');
  const N = iArg > 0 ? Number(process.argv[iArg + 1]) : 200;
  const synthetic = await syntheticBridge(NODES, PEERS);
  const view = synthetic.view;
  const rpcLayer = view.rpc;
  const session: Session = rpcLayer.openSession({ name: 'admin', role: 'admin', publicKeys: [] }, 'ssh', '127.0.0.1', { send: () => undefined, close: () => undefined });
  session.base11 = true;

  const serverSide = async (msg: string, n: number): Promise<{ ms: number[]; bytes: number }> => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < Math.min(20, n); i++) await replyText(await rpcLayer.handleMessage(session, msg)); // warm-up
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      const reply = await replyText(await rpcLayer.handleMessage(session, msg));
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      bytes = Buffer.byteLength(reply ?? '');
      if (!reply || reply.includes('<rpc-error>')) throw new Error(`unexpected reply: ${reply?.slice(0, 500)}`);
    }
    return { ms, bytes };
  };

  const fullGet = await serverSide(rpc(1, '<get/>'), N);
  const oneNode = await serverSide(rpc(2, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>net0</name><node><name>node42</name></node></network></managed-system></filter></get>`), N);
  let pi = 5;
  const editMsg = (): string => rpc(3, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><network><name>net0</name><poll-interval>${pi = pi === 5 ? 6 : 5}</poll-interval></network></managed-system></config></edit-config>`);
  const editMs: number[] = [];
  for (let i = 0; i < Math.max(50, N / 2); i++) {
    const m = editMsg();
    const t = process.hrtime.bigint();
    const h = await rpcLayer.handleMessage(session, m);
    editMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (!h.reply?.includes('<ok/>')) throw new Error(`edit-config failed: ${h.reply}`);
  }
  rpcLayer.closeSession(session, 'bench done');

  // over SSH: one session, requests in sequence; the client decodes the chunked framing as it arrives
  const ssh = await sshClient(view.sshPort);
  let seq = 0;
  const roundTrip = async (body: string): Promise<number> => {
    const id = `b${++seq}`;
    const t = process.hrtime.bigint();
    const reply = await ssh.request(rpc(id, body));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (!reply.includes(`message-id="${id}"`) || reply.includes('<rpc-error>')) throw new Error(`unexpected reply ${reply.slice(0, 300)}`);
    return ms;
  };
  const sshGet: number[] = [];
  const sshN = Math.min(N, 100);
  for (let i = 0; i < sshN + 5; i++) {
    const ms = await roundTrip('<get/>');
    if (i >= 5) sshGet.push(ms);
  }
  const sshEdit: number[] = [];
  for (let i = 0; i < 50; i++) {
    sshEdit.push(await roundTrip(`<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><network><name>net0</name><poll-interval>${pi = pi === 5 ? 6 : 5}</poll-interval></network></managed-system></config></edit-config>`));
  }
  ssh.close();

  const result = {
    tree: { networks: 1, nodes: NODES, peersPerNode: PEERS },
    fullGetServerMs: { ...stats(fullGet.ms), replyBytes: fullGet.bytes, n: fullGet.ms.length },
    oneNodeGetServerMs: { ...stats(oneNode.ms), replyBytes: oneNode.bytes, n: oneNode.ms.length },
    fullGetOverSshMs: { ...stats(sshGet), n: sshGet.length },
    editConfigServerMs: { ...stats(editMs), n: editMs.length },
    editConfigOverSshMs: { ...stats(sshEdit), n: sshEdit.length },
    reference: 'netopeer2/sysrepo: ~80 ms per edit-config (published figure)',
    node: process.version,
    cpus: os.cpus().length,
  };
  console.log(`full <get>, ${NODES} nodes x ${PEERS} peers, reply ${(fullGet.bytes / 1024).toFixed(0)} KiB:`);
  console.log(`  server side      median ${fmt(result.fullGetServerMs.median)} ms  p99 ${fmt(result.fullGetServerMs.p99)} ms  (n=${N})`);
  console.log(`  over SSH         median ${fmt(result.fullGetOverSshMs.median)} ms  p99 ${fmt(result.fullGetOverSshMs.p99)} ms  (n=${sshGet.length})`);
  console.log(`<get> of one node (subtree filter): server side median ${fmt(result.oneNodeGetServerMs.median)} ms  p99 ${fmt(result.oneNodeGetServerMs.p99)} ms`);
  console.log('edit-config of one leaf (validate, apply to the collector, persist in SQLite):');
  console.log(`  server side      median ${fmt(result.editConfigServerMs.median)} ms  p99 ${fmt(result.editConfigServerMs.p99)} ms  (n=${editMs.length})`);
  console.log(`  over SSH         median ${fmt(result.editConfigOverSshMs.median)} ms  p99 ${fmt(result.editConfigOverSshMs.p99)} ms  (reference: netopeer2/sysrepo ~80 ms)`);
  await synthetic.stop();

  // one node of 1,000: the filtered <get> against the full <get> of the same tree
  const big = await syntheticBridge(BIG_NODES, PEERS);
  const bigRpc = big.view.rpc;
  const bigSession: Session = bigRpc.openSession({ name: 'admin', role: 'admin', publicKeys: [] }, 'ssh', '127.0.0.1', { send: () => undefined, close: () => undefined });
  const timeRpc = async (msg: string, n: number, expect: string): Promise<{ ms: number[]; bytes: number }> => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < Math.min(3, n); i++) await replyText(await bigRpc.handleMessage(bigSession, msg)); // warm-up
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      const reply = await replyText(await bigRpc.handleMessage(bigSession, msg));
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      bytes = Buffer.byteLength(reply ?? '');
      if (!reply?.includes(expect) || reply.includes('<rpc-error>')) throw new Error(`unexpected reply: ${reply?.slice(0, 500)}`);
    }
    return { ms, bytes };
  };
  const target = `node${BIG_NODES / 2}`;
  const bigFull = await timeRpc(rpc(10, '<get/>'), Math.max(3, Math.min(10, N)), `<name>node${BIG_NODES - 1}</name>`);
  const bigSubtree = await timeRpc(rpc(11, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>net0</name><node><name>${target}</name></node></network></managed-system></filter></get>`), N, `<name>${target}</name>`);
  const bigXPath = await timeRpc(rpc(12, `<get><filter type="xpath" xmlns:bcm="${BCM}" select="/bcm:managed-system/bcm:network[bcm:name='net0']/bcm:node[bcm:name='${target}']"/></get>`), N, `<name>${target}</name>`);
  bigRpc.closeSession(bigSession, 'bench done');
  await big.stop();
  const of1000 = {
    tree: { nodes: BIG_NODES, peersPerNode: PEERS },
    fullGetServerMs: { ...stats(bigFull.ms), replyBytes: bigFull.bytes, n: bigFull.ms.length },
    subtreeOneNodeServerMs: { ...stats(bigSubtree.ms), replyBytes: bigSubtree.bytes, n: bigSubtree.ms.length },
    xpathOneNodeServerMs: { ...stats(bigXPath.ms), replyBytes: bigXPath.bytes, n: bigXPath.ms.length },
    target: 'one node of 1,000 <= 2 ms server side (issue 16 target 2)',
  };
  const ratio = (x: number[]): string => `${(stats(bigFull.ms).median / stats(x).median).toFixed(0)}x less than the full <get>`;
  console.log(`one node of ${BIG_NODES} (x ${PEERS} peers), server side; reference: full <get> of the same tree, ${(bigFull.bytes / 1048576).toFixed(1)} MiB, median ${fmt(of1000.fullGetServerMs.median)} ms:`);
  console.log(`  subtree filter   median ${fmt(of1000.subtreeOneNodeServerMs.median)} ms  p99 ${fmt(of1000.subtreeOneNodeServerMs.p99)} ms  (${ratio(bigSubtree.ms)}; target <= 2 ms)`);
  console.log(`  XPath filter     median ${fmt(of1000.xpathOneNodeServerMs.median)} ms  p99 ${fmt(of1000.xpathOneNodeServerMs.p99)} ms  (${ratio(bigXPath.ms)}; target <= 2 ms)`);
  console.log(JSON.stringify({ ...result, oneNodeOf1000: of1000 }));
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
