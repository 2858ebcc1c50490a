/**
 * Tests that drive a Debian tool (snmpwalk, smilint, yanglint, litecoind, ncclient...) skip with a printed
 * reason when the tool is absent, and fail when CI=true: CI must prove them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function haveCommand(cmd: string): boolean {
  if (cmd.includes('/')) return fs.existsSync(cmd);
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Call at the start of a test or in before(): skips (or fails under CI) when a tool is missing. */
export function requireTool(ctx: Mocha.Context, cmd: string, debianPackage: string): void {
  if (haveCommand(cmd)) return;
  const reason = `${cmd} not found (Debian package ${debianPackage})`;
  if (process.env.CI === 'true') throw new Error(`${reason}: required under CI`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

/** Skips (or fails under CI) unless /usr/bin/python3 imports the module (Debian's python3 packages only import there). */
function requirePythonModule(ctx: Mocha.Context, module: string, label: string, debianPackage: string): void {
  const ok = fs.existsSync('/usr/bin/python3') &&
    spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
  if (ok) return;
  const reason = `python3 ${label} not importable by /usr/bin/python3 (Debian package ${debianPackage})`;
  if (process.env.CI === 'true') throw new Error(`${reason}: required under CI`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

export function requireNcclient(ctx: Mocha.Context): void { requirePythonModule(ctx, 'ncclient', 'ncclient', 'python3-ncclient'); }

export function requirePysnmp(ctx: Mocha.Context): void { requirePythonModule(ctx, 'pysnmp.hlapi', 'pysnmp', 'python3-pysnmp4'); }

/** Project root (the folder holding package.json), from dist/test/support. */
export const projectRoot = path.resolve(__dirname, '..', '..', '..');

/** Standard MIB files the tools need: net-snmp's npm package ships SNMPv2-SMI/TC/CONF; Debian ships none. */
export const standardMibDir = path.join(projectRoot, 'node_modules', 'net-snmp', 'lib', 'mibs');
export const ourMibDir = path.join(projectRoot, 'mibs');
