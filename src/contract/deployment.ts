/**
 * Where a contract deployed before the bridge watched came from (a configured contract, issue 12 item 29):
 * the deploying block is the lowest height at which the account has code, found by a binary search over
 * heights with eth_getCode (at most ceil(log2(head + 1)) + 1 calls), then the creating transaction is the
 * one of that block whose receipt names the contract (contractAddress): its sender is the deployer.
 *
 * When no transaction of the block names it, the contract was created by another contract (a factory:
 * CREATE or CREATE2 inside a call) and no receipt says which transaction or account did it (only a trace,
 * debug_traceTransaction, would): the deploy block is known, deployer and deploying transaction stay
 * absent. The search assumes code appears once: a contract self-destructed and created again at the same
 * address (CREATE2) is found at the height of the creation of its present code or of an earlier one. A
 * node that keeps no state for old heights (not an archive node) rejects the older eth_getCode calls: the
 * search then fails with that node's error and the three stay absent.
 */
import type { ChainAdapter } from '../chains/adapter';

export interface Deployment {
  readonly block: number;
  /** Absent when the contract was created by another contract (an internal creation). */
  readonly deployer?: string;
  readonly tx?: string;
}

export class DeploymentNotFoundError extends Error {
  constructor(message: string) { super(message); this.name = 'DeploymentNotFoundError'; }
}

/** The lowest height in [0, head] at which hasCode is true, given that it is true at head. */
export async function firstHeightWithCode(head: number, hasCode: (height: number) => Promise<boolean>): Promise<number> {
  let lo = 0;
  let hi = head;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (await hasCode(mid)) hi = mid; else lo = mid + 1;
  }
  return hi;
}

/** Finds the deployment of a contract, at or below height head; undefined when it has no code at head. */
export async function findDeployment(adapter: ChainAdapter, address: string, head: number): Promise<Deployment | undefined> {
  if (!adapter.codeAt || !adapter.blockActivity) throw new DeploymentNotFoundError('the node adapter cannot read code at a height');
  const codeAt = adapter.codeAt.bind(adapter);
  if ((await codeAt(address, head)) === '0x') return undefined;
  const block = await firstHeightWithCode(head, async (h) => (await codeAt(address, h)) !== '0x');
  const activity = await adapter.blockActivity(block);
  const tx = activity.transactions.find((t) => t.createdContract === address);
  return tx ? { block, deployer: tx.from, tx: tx.hash } : { block };
}

/** What a search found, as a log line says it. */
export function deploymentText(contract: string, d: Deployment): string {
  return d.tx
    ? `contract ${contract} was deployed in block ${d.block} by ${d.deployer} (transaction ${d.tx})`
    : `contract ${contract} appeared in block ${d.block}, created by another contract: no receipt names its deployer or transaction`;
}
