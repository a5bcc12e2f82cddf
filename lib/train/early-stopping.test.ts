import { describe, expect, it } from "vitest";
import { EarlyStopping } from "./early-stopping";

describe("EarlyStopping", () => {
  it("stops after `patience` epochs without improvement and remembers the best", () => {
    const stopper = new EarlyStopping(3);
    const losses = [1.0, 0.8, 0.7, 0.72, 0.71, 0.75];
    const stops: boolean[] = [];
    losses.forEach((loss, epoch) => {
      stopper.record(epoch, loss);
      stops.push(stopper.shouldStop);
    });
    expect(stops).toEqual([false, false, false, false, false, true]);
    expect(stopper.bestEpochIndex).toBe(2);
    expect(stopper.bestLoss).toBe(0.7);
  });

  it("resets its patience on a new best", () => {
    const stopper = new EarlyStopping(2);
    [1, 1.1, 0.9, 1.0].forEach((loss, epoch) => stopper.record(epoch, loss));
    expect(stopper.shouldStop).toBe(false);
    stopper.record(4, 1.2);
    expect(stopper.shouldStop).toBe(true);
    expect(stopper.bestEpochIndex).toBe(2);
  });

  it("needs an improvement larger than minDelta", () => {
    const stopper = new EarlyStopping(1, 0.01);
    stopper.record(0, 1);
    expect(stopper.record(1, 0.995)).toBe(false);
    expect(stopper.shouldStop).toBe(true);
  });
});
