/**
 * A budget of evaluation steps for filters (XPath and subtree), so that no filter, however crafted, holds
 * the event loop for long: each node visited, predicate evaluated or value compared costs one step, and the
 * evaluation ends with FilterBudgetError when the budget is spent. The budget is proportional to the data
 * filtered (FILTER_STEPS_PER_NODE per data node, at least FILTER_MIN_STEPS), so a filter may cost a few times
 * what rendering the unfiltered data costs, and never more. Pure.
 */
import type { DNode } from './data';

/** Steps per data node: "//bcm:node[bcm:height > 5]/bcm:name" needs about 6 per node of the data it filters. */
export const FILTER_STEPS_PER_NODE = 10;
/** The least budget (some 5-10 ms of CPU), whatever the size of the data. */
export const FILTER_MIN_STEPS = 50_000;

export class FilterBudgetError extends Error {
  override readonly name = 'FilterBudgetError';
  constructor(readonly kind: string, readonly limit: number) {
    super(`the ${kind} filter needs more than ${limit} evaluation steps (${FILTER_STEPS_PER_NODE} per data node, at least ${FILTER_MIN_STEPS}); select less`);
  }
}

/** Steps between two points where an asynchronous evaluation gives the event loop back (well under a millisecond). */
export const STEPS_PER_SLICE = 2000;

export class WorkBudget {
  private left: number;
  private sliceEnd: number;
  constructor(private readonly kind: string, readonly limit: number) { this.left = limit; this.sliceEnd = limit - STEPS_PER_SLICE; }

  /** The budget of a filter over data: FILTER_STEPS_PER_NODE per data node, at least FILTER_MIN_STEPS. */
  static forData(kind: string, data: readonly DNode[]): WorkBudget {
    let nodes = 0;
    const stack: DNode[] = [...data];
    while (stack.length) {
      const n = stack.pop()!;
      nodes++;
      if (n.children) for (const c of n.children) stack.push(c);
    }
    return new WorkBudget(kind, Math.max(FILTER_MIN_STEPS, FILTER_STEPS_PER_NODE * nodes));
  }

  /** Spends n steps; throws FilterBudgetError when the budget is exhausted. */
  spend(n = 1): void {
    this.left -= n;
    if (this.left < 0) throw new FilterBudgetError(this.kind, this.limit);
  }

  get used(): number { return this.limit - this.left; }

  /** Whether a slice of STEPS_PER_SLICE steps was spent since the last time this returned true. */
  due(): boolean {
    if (this.left > this.sliceEnd) return false;
    this.sliceEnd = this.left - STEPS_PER_SLICE;
    return true;
  }
}
