/**
 * `bcmgmt` as a child process (dist/src/cli.js), for tests of the command line: its stdout and stderr as
 * they arrive, a wait for a line, and a stop by signal that waits for the exit.
 *
 *   const p = startCli(['serve', '--config', file, '--data-dir', dir], { env: { PW: 'x' } });
 *   await p.waitForOutput(/^poll it:/m);
 *   const code = await p.stop();          // SIGTERM, then the exit code
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from './tools';

export const CLI = path.join(projectRoot, 'dist', 'src', 'cli.js');

export interface CliExit { readonly code: number | null; readonly signal: NodeJS.Signals | null }

export interface CliProcess {
  readonly proc: ChildProcess;
  /** Everything printed so far. */
  readonly stdout: string;
  readonly stderr: string;
  readonly exited: Promise<CliExit>;
  /** Resolves with stdout once it matches re; rejects if the process exits first or after timeoutMs. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends the signal (default SIGTERM) and resolves with the exit code; SIGKILL after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<CliExit>;
}

export function startCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const proc = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<CliExit>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => { done = true; });
  const cp: CliProcess = {
    proc,
    get stdout() { return out; },
    get stderr() { return err; },
    exited,
    async waitForOutput(re, timeoutMs = 60_000) {
      const t0 = Date.now();
      while (!re.test(out)) {
        if (done) throw new Error(`bcmgmt exited before printing ${re}: stdout ${out}\nstderr ${err}`);
        if (Date.now() - t0 > timeoutMs) throw new Error(`bcmgmt did not print ${re} within ${timeoutMs} ms: stdout ${out}\nstderr ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out;
    },
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      if (!done) proc.kill(signal);
      const timer = setTimeout(() => { if (!done) proc.kill('SIGKILL'); }, timeoutMs);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
  return cp;
}

/** Runs bcmgmt to its exit (for commands that are expected to end, e.g. a refused configuration). */
export async function runCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliExit & { stdout: string; stderr: string }> {
  const p = startCli(args, opts);
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const r = await p.exited;
  clearTimeout(timer);
  return { ...r, stdout: p.stdout, stderr: p.stderr };
}
