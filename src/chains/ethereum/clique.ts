/**
 * Clique (EIP-225 proof of authority): the signer set and the in-turn arithmetic.
 *
 * The signer set comes from clique_getSigners where the node offers it (geth), otherwise from the
 * extraData of the last checkpoint block (block 0 and every `epoch` blocks list the signers between
 * vanity and seal), read once per epoch, joined by every signer recovered from a block since (a block
 * it sealed proves it is a signer). Votes that drop a signer between checkpoints are seen at the next
 * checkpoint: following them would need every header of the epoch, a history scan.
 *
 * In turn: the signer for block n is signers[n mod len] (signers sorted ascending); it seals with
 * difficulty 2. A block sealed with difficulty 1 was sealed out of turn: the in-turn signer missed its slot.
 */
import type { BlockSummary } from '../adapter';
import { EXTRA_SEAL, EXTRA_VANITY } from './clique-seal';

/** Blocks between checkpoints when the chain's genesis does not say otherwise (geth, Besu, ethereumjs). */
export const DEFAULT_EPOCH = 30000;

/** The signers listed in a checkpoint's extraData, sorted ascending, lower case; undefined when it lists none. */
export function checkpointSigners(extraData: string): string[] | undefined {
  if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(extraData)) return undefined;
  const hex = extraData.slice(2 + 2 * EXTRA_VANITY, extraData.length - 2 * EXTRA_SEAL);
  if (hex.length === 0 || hex.length % 40 !== 0 || extraData.length < 2 + 2 * (EXTRA_VANITY + EXTRA_SEAL)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < hex.length; i += 40) out.push('0x' + hex.slice(i, i + 40).toLowerCase());
  return out.sort();
}

/** Height of the checkpoint at or below height. */
export function checkpointOf(height: number, epoch = DEFAULT_EPOCH): number {
  return height - (height % epoch);
}

/** The signer whose turn block `height` is; undefined without signers. */
export function inTurnSigner(sortedSigners: readonly string[], height: number): string | undefined {
  return sortedSigners.length ? sortedSigners[height % sortedSigners.length] : undefined;
}

/**
 * The signer that missed its slot at a block: the in-turn signer of an out-of-turn block (difficulty 1);
 * undefined for an in-turn block (difficulty 2) or when the set is unknown.
 */
export function missedTurnOf(sortedSigners: readonly string[], height: number, difficulty: string | undefined, producer: string | undefined): string | undefined {
  if (difficulty !== '1' || height === 0) return undefined;
  const due = inTurnSigner(sortedSigners, height);
  return due !== undefined && due !== producer ? due : undefined;
}

/** The signer set one node's adapter knows, and the in-turn annotation of its blocks. */
export class CliqueSigners {
  /** Height whose extraData gave the base set; undefined until read (or when clique_getSigners gave it). */
  checkpoint: number | undefined;
  private base: string[] = [];
  private readonly seen = new Set<string>();

  /** The set, sorted ascending. */
  get ids(): string[] {
    return [...new Set([...this.base, ...this.seen])].sort();
  }

  /** The set as the node reported it (clique_getSigners): exact, replaces what was known. */
  reported(signers: readonly string[]): void {
    this.base = [...signers].sort();
    this.seen.clear();
    this.checkpoint = undefined;
  }

  /** The set listed by the checkpoint block at height. */
  fromCheckpoint(height: number, signers: readonly string[]): void {
    this.base = [...signers].sort();
    this.seen.clear();
    this.checkpoint = height;
  }

  /** A block as the collector should see it: its signer joins the set; an out-of-turn block names who missed. */
  annotate(b: BlockSummary): BlockSummary {
    if (b.producer !== undefined && !this.base.includes(b.producer)) this.seen.add(b.producer);
    const missed = missedTurnOf(this.ids, b.height, b.difficulty, b.producer);
    return missed === undefined ? b : { ...b, missedTurn: missed };
  }
}
