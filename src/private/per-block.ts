import { blockOf } from '../quotas/blocks';

/**
 * Resources made one per block of distributions (policies, VPC origins), created as distributions
 * need them, with the arithmetic the quota count uses.
 */
export class PerBlock<T> {
  private readonly made: T[] = [];

  constructor(private readonly perBlock: number, private readonly make: (block: number) => T) {}

  /** The resource of a distribution's block, made when it is the first to need it. */
  public for(distribution: number): T {
    const block = blockOf(distribution, this.perBlock);
    while (this.made.length <= block) this.made.push(this.make(this.made.length));
    return this.made[block];
  }

  /** Every resource made so far, in block order. */
  public get all(): T[] {
    return [...this.made];
  }
}
