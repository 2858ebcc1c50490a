/**
 * A commit whose store or apply fails (issue 12 item 13), driven through NETCONF edit-config over HTTP on a
 * real bridge with its real SQLite store. The store is made to fail with SQLite triggers (RAISE(ABORT)) on
 * the bridge's own database; the apply fails the way it fails in use (a node whose passwordEnv is unset).
 * In every case the client gets an rpc-error, and the running datastore (in memory and on disk), what the
 * collector runs and the audit trail agree; a failed undo is reported to the client and logged.
 */
import { expect } from 'chai';
import { createLogManager } from '../../src/log';
import { freePort } from '../support/litecoind';
import { ADMIN, BCM, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';

const PW_ENV = 'BCM_COMMIT_FAILURES_TEST_PW';
const UNSET_ENV = 'BCM_COMMIT_FAILURES_TEST_UNSET';

describe('configuration commits when the store or the apply fails (NETCONF edit-config over HTTP)', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  let deadPort = 0;

  before(async () => {
    process.env[PW_ENV] = 'pw';
    delete process.env[UNSET_ENV];
    deadPort = await freePort();
    nb = await startNetconfBridge({
      networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 60, nodes: [{ name: 'n1', endpoint: `http://127.0.0.1:${deadPort}`, username: 'u', passwordEnv: PW_ENV }] }],
    }, { setup: (b) => b.addView(createLogManager(b)) });
  });
  after(async () => {
    delete process.env[PW_ENV];
    await nb?.cleanup();
  });

  const edit = async (id: number, inner: string): Promise<string> => {
    const r = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(id,
      `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}">${inner}</managed-system></config></edit-config>`) });
    return r.body;
  };
  const addNetwork = (name: string): string => `<network><name>${name}</name><platform>ethereum</platform></network>`;
  /** The running document as stored on disk, the one in memory, what the collector runs, and the audit length. */
  const state = (): { stored: unknown; memory: unknown; collected: string[]; audits: number } => {
    const db = nb.bridge.db;
    const row = db.prepare("SELECT doc FROM datastore WHERE name = 'running'").get() as { doc: string };
    return {
      stored: JSON.parse(row.doc), memory: nb.bridge.datastore.get('running'),
      collected: [...nb.bridge.collector.networks.keys()].sort(),
      audits: (db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n,
    };
  };
  const networksOf = (doc: unknown): string[] => ((doc as { networks?: { name: string }[] }).networks ?? []).map((n) => n.name).sort();
  const logMessages = (): string[] => (nb.bridge.tree.find([{ cls: 'log' }])?.list('logRecord') ?? []).map((r) => `${String(r.get('severity'))} ${String(r.get('message'))}`);

  it('a failed save: rpc-error operation-failed, nothing applied, nothing stored', async () => {
    const before = state();
    nb.bridge.db.exec(`CREATE TRIGGER fail_save BEFORE UPDATE ON datastore BEGIN SELECT RAISE(ABORT, 'disk I/O error (test trigger)'); END`);
    try {
      const reply = await edit(1, addNetwork('saved'));
      expect(reply).to.include('<error-tag>operation-failed</error-tag>');
      expect(reply).to.include('cannot save the running configuration: disk I/O error (test trigger)');
    } finally {
      nb.bridge.db.exec('DROP TRIGGER fail_save');
    }
    const after = state();
    expect(after).to.deep.equal(before);
    expect(after.collected).to.deep.equal(['dev']);
    // the store works again: the same edit goes through, applied and stored
    expect(await edit(2, addNetwork('saved'))).to.include('<ok/>');
    const ok = state();
    expect(ok.collected).to.deep.equal(['dev', 'saved']);
    expect(networksOf(ok.stored)).to.deep.equal(['dev', 'saved']);
    expect(ok.audits).to.equal(before.audits + 1);
  });

  it('a failed apply: rpc-error, the previous configuration stays in effect, in memory and on disk, no audit entry', async () => {
    const before = state();
    const reply = await edit(3, `<network><name>dev</name><node><name>n2</name><endpoint>http://127.0.0.1:${deadPort}</endpoint><password-env>${UNSET_ENV}</password-env></node></network>${addNetwork('late')}`);
    expect(reply).to.include('<rpc-error>');
    expect(reply).to.include(`environment variable ${UNSET_ENV} is not set`);
    expect(state()).to.deep.equal(before);
    expect(nb.bridge.collector.networks.get('dev')?.pollers.has('n2')).to.equal(false);
  });

  it('a failed apply whose undo cannot be stored: the client is told, a log record says so', async () => {
    const before = state();
    nb.bridge.db.exec(`CREATE TRIGGER fail_undo BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'disk full (test trigger)'); END`);
    let reply: string;
    try {
      reply = await edit(4, `<network><name>dev</name><node><name>n3</name><endpoint>http://127.0.0.1:${deadPort}</endpoint><password-env>${UNSET_ENV}</password-env></node></network>`);
    } finally {
      nb.bridge.db.exec('DROP TRIGGER fail_undo');
    }
    expect(reply).to.include('<error-tag>operation-failed</error-tag>');
    expect(reply).to.include(`environment variable ${UNSET_ENV} is not set; restoring the previous running configuration failed too: cannot save it back: disk full (test trigger)`);
    // the configuration in effect is the previous one, and so is the one in memory
    expect(state().collected).to.deep.equal(before.collected);
    expect(state().memory).to.deep.equal(before.memory);
    expect(logMessages().some((m) => m.startsWith('error running configuration commit by admin via netconf refused') && m.includes('disk full (test trigger)')),
      logMessages().slice(-3).join('\n')).to.equal(true);
  });

  it('a failed apply whose undo cannot be applied (an environment variable gone since): the client is told, a log record says so', async () => {
    // repair the store left by the previous case: running on disk as in memory
    nb.bridge.db.prepare("UPDATE datastore SET doc = ? WHERE name = 'running'").run(JSON.stringify(nb.bridge.datastore.get('running')));
    const before = state();
    delete process.env[PW_ENV];
    const reply = await edit(5, '<network><name>dev</name><poll-interval>30</poll-interval></network>');
    expect(reply).to.include('<error-tag>operation-failed</error-tag>');
    expect(reply).to.include(`environment variable ${PW_ENV} is not set; restoring the previous running configuration failed too: cannot put it back in effect`);
    // the store holds the previous configuration again
    expect(state().stored).to.deep.equal(before.stored);
    expect(state().audits).to.equal(before.audits);
    expect(logMessages().some((m) => m.startsWith('error running configuration commit by admin via netconf refused') && m.includes('cannot put it back in effect')))
      .to.equal(true);
  });
});
