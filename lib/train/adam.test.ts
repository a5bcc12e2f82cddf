import { describe, expect, it } from "vitest";
import { Adam } from "./adam";

describe("Adam", () => {
  it("takes a first step of the learning rate against the gradient's sign, whatever its size", () => {
    const params = { a: Float32Array.of(1, 1, 1) };
    new Adam<"a">({ learningRate: 0.1 }).update(params, { a: Float32Array.of(5, -0.01, 0) });
    // Bias-corrected: m̂ = g, v̂ = g², so the step is lr · g/(|g| + ε); a zero gradient does not move.
    expect(params.a[0]).toBeCloseTo(0.9, 5);
    expect(params.a[1]).toBeCloseTo(1.1, 4);
    expect(params.a[2]).toBe(1);
  });

  it("matches the update rule by hand over two steps", () => {
    const params = { w: Float32Array.of(0) };
    const adam = new Adam<"w">({ learningRate: 0.01, beta1: 0.5, beta2: 0.75, epsilon: 0 });
    adam.update(params, { w: Float32Array.of(2) });
    adam.update(params, { w: Float32Array.of(-1) });
    // Step 1: m = 1, v = 1 → m̂ = 2, v̂ = 4 → −0.01. Step 2: m = 0, v = 1 → m̂ = 0 → no move.
    expect(params.w[0]).toBeCloseTo(-0.01, 7);
  });

  it("minimises a quadratic and applies decoupled weight decay only where asked", () => {
    const params = { x: Float32Array.of(3, -2), y: Float32Array.of(1) };
    const adam = new Adam<"x" | "y">({ learningRate: 0.05 });
    for (let i = 0; i < 500; i++) {
      // f = ‖x − (1, 1)‖², y has zero gradient: only the decay moves it.
      adam.update(params, { x: Float32Array.from(params.x, (v) => 2 * (v - 1)), y: Float32Array.of(0) }, { rate: 0.1, decayed: ["y"] });
    }
    expect(params.x[0]).toBeCloseTo(1, 1);
    expect(params.x[1]).toBeCloseTo(1, 1);
    expect(params.y[0]).toBeCloseTo((1 - 0.05 * 0.1) ** 500, 4);
  });

  it("rejects a gradient of the wrong length", () => {
    expect(() => new Adam<"a">({ learningRate: 0.1 }).update({ a: new Float32Array(2) }, { a: new Float32Array(3) })).toThrow(/wrong length/);
  });
});
