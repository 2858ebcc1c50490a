/**
 * The bridge's Node.js flags (src/runtime-flags.ts) and how `bcmgmt serve` gets them (src/relaunch.ts): the
 * command line started without them runs the bridge as its child with them, passes signals and the exit status
 * on, and takes the child with it when killed; BCMGMT_NODE_FLAGS=none, or a process started with the flags,
 * runs the bridge in the process itself.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_NODE_ENV, DEFAULT_NODE_FLAGS, NODE_FLAGS_ENV, missingFlags, parseNodeFlags, runtimeEnv, runtimeFlags } from '../src/runtime-flags';
import { freePort } from './support/litecoind';
import { CLI, startCli } from './support/serve';
import type { CliProcess } from './support/serve';
import { freeUdpPort } from './support/snmp';

describe('runtime flags: the definition', () => {
  it('defaults, none, an operator\'s own list; a word that is not a flag is refused', () => {
    expect(runtimeFlags({})).to.deep.equal(DEFAULT_NODE_FLAGS);
    expect(DEFAULT_NODE_FLAGS.length).to.be.above(0);
    expect(runtimeFlags({ [NODE_FLAGS_ENV]: 'none' })).to.deep.equal([]);
    expect(runtimeFlags({ [NODE_FLAGS_ENV]: '  ' })).to.deep.equal([]);
    expect(runtimeFlags({ [NODE_FLAGS_ENV]: ' --max-semi-space-size=4  --optimize-for-size ' })).to.deep.equal(['--max-semi-space-size=4', '--optimize-for-size']);
    expect(() => parseNodeFlags('--max-semi-space-size=4 script.js')).to.throw(/"script.js" is not a Node.js flag/);
  });

  it('the allocator setting: added by default, an operator\'s own value kept, nothing with none', () => {
    expect(runtimeEnv({})).to.deep.equal(DEFAULT_NODE_ENV);
    expect(runtimeEnv({})).to.have.property('MALLOC_MMAP_THRESHOLD_', '69632');
    expect(runtimeEnv({ MALLOC_MMAP_THRESHOLD_: '131072' })).to.deep.equal({});
    expect(runtimeEnv({ [NODE_FLAGS_ENV]: 'none' })).to.deep.equal({});
    expect(runtimeEnv({ [NODE_FLAGS_ENV]: '--max-semi-space-size=2' })).to.deep.equal(DEFAULT_NODE_ENV);
  });

  it('a flag counts as present by its name, on the command line or in NODE_OPTIONS, - and _ alike', () => {
    const wanted = ['--max-semi-space-size=2', '--heap-growing-percent=30'];
    expect(missingFlags(wanted, [], '')).to.deep.equal(wanted);
    expect(missingFlags(wanted, ['--max_semi_space_size=8'], '')).to.deep.equal(['--heap-growing-percent=30']);
    expect(missingFlags(wanted, ['--inspect'], '--heap-growing-percent=50 --max-semi-space-size=1')).to.deep.equal([]);
  });
});

describe('runtime flags: bcmgmt serve', function () {
  this.timeout(120_000);
  let dir = '';
  let running: CliProcess | undefined;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-flags-')); });
  afterEach(async () => { await running?.stop('SIGKILL'); running = undefined; });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  async function config(name: string): Promise<string> {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({
      networks: [{ name: 'ltc', platform: 'bitcoin', adminState: 'locked', nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }],
      configuration: { snmpPort: await freeUdpPort(), sshPort: await freePort(), httpPort: await freePort() },
    }));
    return file;
  }
  const serveArgs = async (name: string): Promise<string[]> => ['serve', '--config', await config(name), '--data-dir', path.join(dir, name)];
  /** The pid of the process that runs the bridge, from the banner. */
  const bridgePid = async (p: CliProcess): Promise<number> => Number(/; pid (\d+)$/m.exec(await p.waitForOutput(/^poll it:/m))![1]);
  const cmdline = (pid: number): string[] => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  /** Gone, or a zombie waiting for init to reap it. */
  const gone = (pid: number): boolean => { try { return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; } };
  async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > ms) throw new Error(`not ${what} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('runs the bridge as a child with the flags (and the allocator setting); SIGTERM reaches it and its exit status comes back', async () => {
    running = startCli(await serveArgs('default'), { env: { [NODE_FLAGS_ENV]: undefined, MALLOC_MMAP_THRESHOLD_: undefined } });
    const pid = await bridgePid(running);
    expect(pid).to.not.equal(running.proc.pid);
    const args = cmdline(pid);
    for (const f of DEFAULT_NODE_FLAGS) expect(args).to.include(f);
    expect(args).to.include(CLI);
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    for (const [k, v] of Object.entries(DEFAULT_NODE_ENV)) expect(environ).to.include(`${k}=${v}`);
    const exit = await running.stop('SIGTERM');
    running = undefined;
    expect(exit).to.deep.equal({ code: 0, signal: null });
    expect(gone(pid)).to.equal(true);
  });

  it('kill -9 of the command line takes the bridge with it', async () => {
    running = startCli(await serveArgs('kill'), { env: { [NODE_FLAGS_ENV]: undefined } });
    const pid = await bridgePid(running);
    expect(pid).to.not.equal(running.proc.pid);
    await running.stop('SIGKILL');
    running = undefined;
    await until('the bridge gone', () => gone(pid), 10_000);
  });

  it('BCMGMT_NODE_FLAGS=none, or a node started with the flags: the bridge runs in the process itself', async () => {
    running = startCli(await serveArgs('none'), { env: { [NODE_FLAGS_ENV]: 'none' } });
    expect(await bridgePid(running)).to.equal(running.proc.pid);
    await running.stop('SIGTERM');
    const own = spawn(process.execPath, [...DEFAULT_NODE_FLAGS, CLI, ...(await serveArgs('own'))], { env: { ...process.env, [NODE_FLAGS_ENV]: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    own.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await until('the banner', () => /^poll it:/m.test(out) || own.exitCode !== null, 60_000);
      expect(Number(/; pid (\d+)$/m.exec(out)?.[1]), out).to.equal(own.pid);
    } finally {
      own.kill('SIGKILL');
    }
  });

  it('a bad BCMGMT_NODE_FLAGS is a configuration error: one line, exit status 2', async () => {
    running = startCli(await serveArgs('bad'), { env: { [NODE_FLAGS_ENV]: 'max-semi-space-size=2' } });
    const exit = await running.exited;
    expect(exit.code).to.equal(2);
    expect(running.stderr.trim()).to.equal('bcmgmt: configuration error: BCMGMT_NODE_FLAGS: "max-semi-space-size=2" is not a Node.js flag (flags start with --; "none" turns them off)');
    running = undefined;
  });
});
