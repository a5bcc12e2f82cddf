import { describe, expect, it } from "vitest";
import { minimizeLbfgs } from "./lbfgs";

describe("minimizeLbfgs", () => {
  it("finds the minimum of an ill-conditioned quadratic", async () => {
    const scales = [1, 10, 100, 1000];
    const centre = [3, -2, 0.5, 7];
    const result = await minimizeLbfgs(
      async (x) => {
        let value = 0;
        const gradient = new Float64Array(x.length);
        x.forEach((v, i) => {
          const d = v - centre[i]!;
          value += 0.5 * scales[i]! * d * d;
          gradient[i] = scales[i]! * d;
        });
        return { value, gradient };
      },
      new Float64Array(4),
      { maxEvaluations: 200, gradientTolerance: 1e-8, valueTolerance: 0 },
    );
    result.x.forEach((v, i) => expect(v).toBeCloseTo(centre[i]!, 5));
  });

  it("finds the minimum of the Rosenbrock function and stops within its evaluation budget", async () => {
    const rosenbrock = async (x: Float64Array) => {
      const [a, b] = [x[0]!, x[1]!];
      return {
        value: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
        gradient: Float64Array.from([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
      };
    };
    const result = await minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxEvaluations: 500, gradientTolerance: 1e-8, valueTolerance: 0 });
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
    const capped = await minimizeLbfgs(rosenbrock, Float64Array.from([-1.2, 1]), { maxEvaluations: 5 });
    expect(capped.evaluations).toBeLessThanOrEqual(5);
    expect(capped.value).toBeLessThan((await rosenbrock(Float64Array.from([-1.2, 1]))).value);
  });
});
