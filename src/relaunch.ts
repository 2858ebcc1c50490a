/**
 * Running the bridge with its Node.js flags (src/runtime-flags.ts) when `node dist/src/cli.js serve` (the
 * `bcmgmt` bin, `npm start`) was started without them. V8 sizes its heap when the process starts, so the flags
 * cannot be set from inside: the command line starts itself once more, as a child process with the flags, and
 * stays as a small parent (no module of the bridge loaded, a few MB of private memory) that
 *   - gives the child its standard input, output and error (inherited file descriptors, nothing relayed);
 *   - forwards SIGINT, SIGTERM and SIGHUP to it;
 *   - ends with the child's exit status, or by the signal that ended the child;
 * and the child ends at once (SIGKILL) if the parent is gone without it (the parent was killed with kill -9),
 * so that a killed bcmgmt never leaves a bridge behind holding its ports and data dir.
 *
 * Node.js 20 cannot replace its own process image (no execve), hence the parent.
 */
import { spawn } from 'node:child_process';
import { runtimeEnv } from './runtime-flags';

/** Set in the child's environment: it was started by the parent described above. */
export const RELAUNCHED_ENV = 'BCMGMT_RELAUNCHED';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Starts this command line again with the flags added, and follows the child to its end. */
export function relaunchWithFlags(flags: readonly string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...runtimeEnv(), [RELAUNCHED_ENV]: '1' },
  });
  const forward = (signal: NodeJS.Signals): void => { if (child.exitCode === null && child.signalCode === null) child.kill(signal); };
  for (const s of FORWARDED) process.on(s, forward);
  child.on('error', (e) => {
    console.error(`bcmgmt: cannot start ${process.execPath} with ${flags.join(' ')}: ${e.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

/**
 * In the child: ends it at once when the parent is gone (its IPC channel closed without a word). The channel
 * does not keep the child alive: a command that ends ends as it would without the parent.
 */
export function followLauncher(): void {
  if (process.env[RELAUNCHED_ENV] !== '1' || !process.channel) return;
  delete process.env[RELAUNCHED_ENV];
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
