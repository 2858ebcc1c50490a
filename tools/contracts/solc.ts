/**
 * Offline Solidity compilation with solcjs (the `solc` npm package: no compiler download), shared by the
 * contract tools. Optimizer 200 runs, EVM cancun; fails (exit 1) on any compiler error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Compiled {
  readonly abi: unknown[];
  /** Init code, hex without 0x. */
  readonly bytecode: string;
  /** Signature → selector with 0x. */
  readonly selectors: Record<string, string>;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; methodIdentifiers: Record<string, string> } }>>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const solc = require('solc') as { compile(input: string): string; version(): string };

export const projectRoot = path.resolve(__dirname, '..', '..', '..');
export const solcVersion = (): string => solc.version();

/** Compiles tools/contracts/<Name>.sol for each name; contract Name of each file. */
export function compileContracts(names: readonly string[]): Record<string, Compiled> {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(names.map((n) => [`${n}.sol`, { content: fs.readFileSync(path.join(projectRoot, 'tools', 'contracts', `${n}.sol`), 'utf8') }])),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.methodIdentifiers'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length) {
    for (const e of errors) console.error(e.formattedMessage);
    process.exit(1);
  }
  return Object.fromEntries(names.map((n) => {
    const c = out.contracts[`${n}.sol`][n];
    const selectors = Object.fromEntries(Object.entries(c.evm.methodIdentifiers).map(([sig, sel]) => [sig, '0x' + sel]));
    return [n, { abi: c.abi, bytecode: c.evm.bytecode.object, selectors }];
  }));
}
