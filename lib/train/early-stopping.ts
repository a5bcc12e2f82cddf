/**
 * Early stopping on a validation loss: remembers the best epoch and says when
 * `patience` epochs in a row failed to improve it by more than `minDelta`.
 */
export class EarlyStopping {
  private best = Infinity;
  private bestEpoch = -1;
  private sinceBest = 0;

  constructor(
    private readonly patience: number,
    private readonly minDelta = 0,
  ) {}

  /** Records an epoch's validation loss; returns whether it is the new best. */
  record(epoch: number, loss: number): boolean {
    if (loss < this.best - this.minDelta) {
      this.best = loss;
      this.bestEpoch = epoch;
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest += 1;
    return false;
  }

  get shouldStop(): boolean {
    return this.sinceBest >= this.patience;
  }

  get bestLoss(): number {
    return this.best;
  }

  get bestEpochIndex(): number {
    return this.bestEpoch;
  }
}
