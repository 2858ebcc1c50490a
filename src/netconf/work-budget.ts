/**
 * A budget of evaluation steps for filters (XPath and subtree), so that no filter, however crafted, holds
 * the event loop for long: each node visited, predicate evaluated or value compared costs one step, and the
 * evaluation ends with FilterBudgetError when the budget is spent. Pure.
 */

/** Steps one filter evaluation may take (some 25-100 ms of CPU; selecting from every node of 100 nodes x 20 peers needs under 100,000). */
export const FILTER_STEP_BUDGET = 250_000;

export class FilterBudgetError extends Error {
  override readonly name = 'FilterBudgetError';
  constructor(readonly kind: string, readonly limit: number) {
    super(`the ${kind} filter needs more than ${limit} evaluation steps (the server's limit); select less, or use a subtree filter`);
  }
}

export class WorkBudget {
  private left: number;
  constructor(private readonly kind: string, readonly limit = FILTER_STEP_BUDGET) { this.left = limit; }

  /** Spends n steps; throws FilterBudgetError when the budget is exhausted. */
  spend(n = 1): void {
    this.left -= n;
    if (this.left < 0) throw new FilterBudgetError(this.kind, this.limit);
  }

  get used(): number { return this.limit - this.left; }
}
