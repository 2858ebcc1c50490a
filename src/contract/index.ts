/**
 * Contract management (clause 7.3.3): contracts of Ethereum-family networks, discovered from the
 * receipts of new blocks or named in the configuration, with per-method call statistics.
 *
 *   const contracts = createContractManager(bridge);
 *   bridge.addView(contracts);            // before bridge.start(); start() subscribes, stop() waits
 */
import type { Bridge, View } from '../bridge';
import { ContractManager } from './manager';
import type { ContractManagerOptions } from './manager';

export { ContractManager, CHECKS_PER_BLOCK, MAX_CATCHUP_BLOCKS, ROUND_ROBIN_PER_BLOCK } from './manager';
export { ContractStore } from './store';
export { DeploymentNotFoundError, findDeployment, firstHeightWithCode } from './deployment';
export type { Deployment } from './deployment';
export type { ContractManagerOptions } from './manager';
export { ContractInventory, MAX_CONTRACTS, MAX_METHODS, meanGas } from './inventory';
export type { BlockChanges, ContractRecord, Lifecycle, MethodStats } from './inventory';
export { activityFeed, ActivityFeed, MAX_QUEUE, RECENT_BLOCKS } from './feed';
export type { ActivityEvent, ActivityListener } from './feed';
export { keccak256, keccakHex, keccakText, selectorOf } from './keccak';
export { canonicalType, loadAbiFile, methodNames } from './abi';

export function createContractManager(bridge: Bridge, opts: ContractManagerOptions = {}): ContractManager & View {
  return new ContractManager(bridge, opts);
}
