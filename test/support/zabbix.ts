/**
 * A Zabbix 6.0 test bed from Debian's packages, on loopback ports chosen here: PostgreSQL (initdb + pg_ctl as
 * the postgres user, trust authentication, fsync off) with the Zabbix schema loaded, zabbix_server in the
 * foreground with the SNMP trapper reading a file of ours, and the frontend's JSON-RPC API under `php -S`
 * (without PHP_CLI_SERVER_WORKERS, so there is one process to stop). The frontend reads its database
 * settings only from /etc/zabbix/zabbix.conf.php: written for the bed, removed (or restored) at stop.
 *
 *   const zbx = await ZabbixTestBed.start();
 *   await zbx.login();
 *   await zbx.api('host.get', {...});
 *   await zbx.stop();
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './snmp';
import { haveCommand, requireTool } from './tools';
import { until } from './wait';

const SCHEMA_DIR = '/usr/share/zabbix-server-pgsql';
const FRONTEND_DIR = '/usr/share/zabbix';
export const FRONTEND_CONF = '/etc/zabbix/zabbix.conf.php';
/** Longest wait for one API call (an import or a template link takes a few seconds). */
const API_TIMEOUT_MS = 60000;

/** Newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/VERSION/bin). */
function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return path.join(root, versions[0] ?? 'none', 'bin');
}

/** Skips (or fails under CI=true) unless zabbix_server, php, PostgreSQL and the frontend are installed. */
export function requireZabbix(ctx: Mocha.Context): void {
  requireTool(ctx, 'zabbix_server', 'zabbix-server-pgsql');
  requireTool(ctx, path.join(pgBin(), 'pg_ctl'), 'postgresql');
  requireTool(ctx, 'psql', 'postgresql-client');
  requireTool(ctx, 'php', 'php-cli');
  requireTool(ctx, path.join(FRONTEND_DIR, 'api_jsonrpc.php'), 'zabbix-frontend-php');
  requireTool(ctx, path.join(SCHEMA_DIR, 'schema.sql.gz'), 'zabbix-server-pgsql');
}

/** A free TCP port on 127.0.0.1 in 1024..32767, the range zabbix_server accepts for ListenPort. */
async function freeLowPort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000..32000');
}

/** Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 && haveCommand('runuser') ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

async function mustRun(what: string, cmd: string, args: string[], timeoutMs = 120000): Promise<string> {
  const r = await run(cmd, args, { timeoutMs, env: process.env });
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export class ZabbixApiError extends Error {}

export class ZabbixTestBed {
  private auth: string | undefined;
  private id = 0;
  private savedConf: string | undefined;

  private constructor(
    readonly dir: string,
    readonly pgPort: number,
    readonly serverPort: number,
    readonly apiPort: number,
    /** zabbix_server.conf SNMPTrapperFile: what our traphandle appends to. */
    readonly trapperFile: string,
    private readonly procs: { server?: ChildProcess; php?: ChildProcess },
  ) {}

  get serverLog(): string { return path.join(this.dir, 'zabbix_server.log'); }

  /** The last lines of the server's log (for failure messages). */
  logTail(lines = 40): string {
    return fs.existsSync(this.serverLog) ? fs.readFileSync(this.serverLog, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  static async start(): Promise<ZabbixTestBed> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-zabbix-'));
    fs.chmodSync(dir, 0o755);
    // below the ephemeral range (32768 and up), so that no outgoing connection of the tests (the bridge's to
    // litecoind, started meanwhile) takes a port between the probe and the server's bind: a clean-clone CI once saw
    // PostgreSQL stop at start on a port from freePort()
    const ports = new Set<number>();
    while (ports.size < 3) ports.add(await freeLowPort());
    const [pg, server, api] = [...ports];
    const bed = new ZabbixTestBed(dir, pg, server, api, path.join(dir, 'snmptraps.log'), {});
    try {
      await bed.startDatabase();
      await bed.startServer();
      await bed.startFrontend();
    } catch (e) {
      await bed.stop();
      throw e;
    }
    return bed;
  }

  private async startDatabase(): Promise<void> {
    const data = path.join(this.dir, 'pgdata');
    const sock = path.join(this.dir, 'pgsock');
    fs.mkdirSync(data);
    fs.mkdirSync(sock);
    if (process.getuid?.() === 0) { await mustRun('chown', 'chown', ['-R', 'postgres:postgres', data, sock]); }
    await mustRun('initdb', ...asPostgres(path.join(pgBin(), 'initdb'), ['-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']));
    await mustRun('pg_ctl start', ...asPostgres(path.join(pgBin(), 'pg_ctl'), ['-D', data, '-l', path.join(sock, 'postgres.log'), '-w', 'start',
      '-o', `-p ${this.pgPort} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`]));
    const psql = ['-v', 'ON_ERROR_STOP=1', '-q', '-h', '127.0.0.1', '-p', String(this.pgPort), '-U', 'postgres'];
    await mustRun('createdb', 'psql', [...psql, '-c', "CREATE DATABASE zabbix ENCODING 'UTF8' TEMPLATE template0"]);
    for (const f of ['schema', 'images', 'data']) {
      await mustRun(`load ${f}.sql`, 'sh', ['-c', `zcat ${SCHEMA_DIR}/${f}.sql.gz | psql ${psql.join(' ')} -d zabbix >/dev/null`], 300000);
    }
  }

  private async startServer(): Promise<void> {
    const conf = path.join(this.dir, 'zabbix_server.conf');
    fs.writeFileSync(conf, [
      `LogFile=${this.serverLog}`, 'LogFileSize=0', `PidFile=${path.join(this.dir, 'zabbix_server.pid')}`, `SocketDir=${this.dir}`,
      'DBHost=127.0.0.1', `DBPort=${this.pgPort}`, 'DBName=zabbix', 'DBUser=postgres',
      'ListenIP=127.0.0.1', `ListenPort=${this.serverPort}`, 'AllowRoot=1',
      'StartSNMPTrapper=1', `SNMPTrapperFile=${this.trapperFile}`, 'CacheUpdateFrequency=2',
      // A small server for a test: few processes of each kind, none for what the test does not use.
      'StartPollers=2', 'StartPollersUnreachable=1', 'StartTrappers=1', 'StartPingers=0', 'StartDiscoverers=0',
      'StartHTTPPollers=0', 'StartPreprocessors=2', 'StartLLDProcessors=1', 'StartDBSyncers=1', 'StartHistoryPollers=1',
      'StartAlerters=1', 'StartEscalators=1', 'StartTimers=1', 'StartReportWriters=0', 'HousekeepingFrequency=0',
      'Timeout=4', 'UnreachablePeriod=45', 'UnavailableDelay=10', 'UnreachableDelay=5',
    ].join('\n') + '\n');
    fs.writeFileSync(this.trapperFile, '');
    const out = fs.openSync(path.join(this.dir, 'zabbix_server.out'), 'w');
    const p = spawn('zabbix_server', ['-f', '-c', conf], { stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    this.procs.server = p;
    const deadline = Date.now() + 60000;
    while (!/server #0 started/.test(this.logTail(400))) {
      if (p.exitCode !== null || Date.now() > deadline) {
        const said = fs.readFileSync(path.join(this.dir, 'zabbix_server.out'), 'utf8');
        throw new Error(`zabbix_server did not start (exit ${p.exitCode}): ${said}\n${this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async startFrontend(): Promise<void> {
    this.savedConf = fs.existsSync(FRONTEND_CONF) ? fs.readFileSync(FRONTEND_CONF, 'utf8') : undefined;
    fs.mkdirSync(path.dirname(FRONTEND_CONF), { recursive: true });
    fs.writeFileSync(FRONTEND_CONF, [
      '<?php',
      "$DB['TYPE'] = 'POSTGRESQL';", "$DB['SERVER'] = '127.0.0.1';", `$DB['PORT'] = '${this.pgPort}';`,
      "$DB['DATABASE'] = 'zabbix';", "$DB['USER'] = 'postgres';", "$DB['PASSWORD'] = '';", "$DB['SCHEMA'] = '';",
      "$DB['ENCRYPTION'] = false;", "$DB['KEY_FILE'] = '';", "$DB['CERT_FILE'] = '';", "$DB['CA_FILE'] = '';",
      "$DB['VERIFY_HOST'] = false;", "$DB['CIPHER_LIST'] = '';", "$DB['VAULT_URL'] = '';", "$DB['VAULT_DB_PATH'] = '';",
      "$DB['VAULT_TOKEN'] = '';", "$DB['DOUBLE_IEEE754'] = true;",
      "$ZBX_SERVER = '127.0.0.1';", `$ZBX_SERVER_PORT = '${this.serverPort}';`, "$ZBX_SERVER_NAME = 'bcmgmt test';",
      '$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;', '',
    ].join('\n'));
    const p = spawn('php', ['-d', 'memory_limit=512M', '-d', 'max_execution_time=300', '-d', 'post_max_size=32M',
      '-S', `127.0.0.1:${this.apiPort}`, '-t', FRONTEND_DIR], { stdio: 'ignore', env: { ...process.env, PHP_CLI_SERVER_WORKERS: '' } });
    this.procs.php = p;
    await until('the Zabbix API answers apiinfo.version', async () => (await this.api<string>('apiinfo.version', {}, false)).startsWith('6.'), 30000, 200);
  }

  /**
   * One JSON-RPC call of the Zabbix API; rejects with the API's error. A session the frontend has ended
   * ("Session terminated, re-login, please.") is renewed once with the same user and the call repeated.
   */
  async api<T>(method: string, params: unknown, withAuth = true): Promise<T> {
    try {
      return await this.call<T>(method, params, withAuth);
    } catch (e) {
      if (!(withAuth && this.user && e instanceof ZabbixApiError && /re-login/.test(e.message))) throw e;
      this.auth = await this.call<string>('user.login', this.user, false);
      return this.call<T>(method, params, withAuth);
    }
  }

  private async call<T>(method: string, params: unknown, withAuth: boolean): Promise<T> {
    const body = { jsonrpc: '2.0', method, params, id: ++this.id, ...(withAuth && this.auth ? { auth: this.auth } : {}) };
    const res = await fetch(`http://127.0.0.1:${this.apiPort}/api_jsonrpc.php`, {
      method: 'POST', headers: { 'Content-Type': 'application/json-rpc' }, body: JSON.stringify(body), signal: AbortSignal.timeout(API_TIMEOUT_MS),
    }).catch((e: Error) => { throw new ZabbixApiError(`${method}: ${e.message}`); });
    const text = await res.text();
    let json: { result?: T; error?: { message: string; data: string } };
    try { json = JSON.parse(text) as typeof json; } catch { throw new ZabbixApiError(`${method}: HTTP ${res.status}, not JSON: ${text.slice(0, 500)}`); }
    if (json.error) throw new ZabbixApiError(`${method}: ${json.error.message} ${json.error.data}`);
    return json.result as T;
  }

  /** The full JSON-RPC response of a call (to check that it carries nothing but the result). */
  async rawApi(method: string, params: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}/api_jsonrpc.php`, {
      method: 'POST', headers: { 'Content-Type': 'application/json-rpc' },
      body: JSON.stringify({ jsonrpc: '2.0', method, params, id: ++this.id, auth: this.auth }), signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    return (await res.json()) as Record<string, unknown>;
  }

  private user: { username: string; password: string } | undefined;

  async login(username = 'Admin', password = 'zabbix'): Promise<void> {
    this.auth = await this.api<string>('user.login', { username, password }, false);
    this.user = { username, password };
  }

  /** "Check now" for items or discovery rules; retried while the server's configuration cache lacks them. */
  async checkNow(itemids: readonly string[]): Promise<void> {
    for (const itemid of itemids) {
      await until(`task.create check now of item ${itemid}`, async () => {
        await this.api('task.create', [{ type: 6, request: { itemid } }]);
        return true;
      }, 30000, 1000);
    }
  }

  async stop(): Promise<void> {
    const { server, php } = this.procs;
    if (php && php.exitCode === null) { php.kill('SIGTERM'); await exited(php, 5000); }
    if (server && server.exitCode === null && server.pid) {
      server.kill('SIGTERM');
      if (!(await exited(server, 20000))) { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    const data = path.join(this.dir, 'pgdata');
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) {
      await run(...asPostgres(path.join(pgBin(), 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), { env: process.env, timeoutMs: 30000 });
    }
    if (this.savedConf !== undefined) fs.writeFileSync(FRONTEND_CONF, this.savedConf);
    else if (fs.existsSync(FRONTEND_CONF) && fs.readFileSync(FRONTEND_CONF, 'utf8').includes(`'${this.pgPort}'`)) fs.rmSync(FRONTEND_CONF);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function exited(p: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    p.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}
