// mathjs takes most of a second to import (measured on Node 20: 0.7-0.8 s warm): it is loaded
// here, on first use, and nothing else in twintune imports it.
type MathJs = typeof import("mathjs");
let mathjs: Promise<MathJs> | undefined;

/** mathjs, imported once on first use. */
export function loadMathJs(): Promise<MathJs> {
  mathjs ??= import("mathjs");
  return mathjs;
}

/** A fitted linear model y ≈ Xβ. */
export interface LinearFit {
  beta: number[];
  /** Residual variance s² = RSS / (n − p). */
  residualVariance: number;
  degreesOfFreedom: number;
}

/**
 * Ordinary least squares for one design matrix X (n × p, full column rank) and any number of
 * response vectors: (XᵀX)⁻¹ and the projector P = (XᵀX)⁻¹Xᵀ are computed once with mathjs, then
 * each fit is β = P·y. Many VMs observed over the same hours share one design.
 */
export class LeastSquaresDesign {
  readonly rows: number;
  readonly columns: number;
  private readonly design: number[][];
  private readonly inverse: number[][];
  private readonly projector: number[][];
  private readonly math: MathJs;

  private constructor(math: MathJs, design: number[][], inverse: number[][], projector: number[][]) {
    this.math = math;
    this.design = design;
    this.inverse = inverse;
    this.projector = projector;
    this.rows = design.length;
    this.columns = design[0]?.length ?? 0;
  }

  /** Prepares the design; throws RangeError when XᵀX is singular or there are no residual degrees of freedom. */
  static async create(design: number[][]): Promise<LeastSquaresDesign> {
    const math = await loadMathJs();
    const n = design.length;
    const p = design[0]?.length ?? 0;
    if (n <= p) throw new RangeError(`least squares needs more rows (${n}) than columns (${p})`);
    const transposed = math.transpose(design);
    const gram = math.multiply(transposed, design);
    if (Math.abs(math.det(gram)) < 1e-12) throw new RangeError("the design matrix is rank-deficient");
    const inverse = math.inv(gram);
    return new LeastSquaresDesign(math, design, inverse, math.multiply(inverse, transposed));
  }

  fit(y: readonly number[]): LinearFit {
    if (y.length !== this.rows) throw new RangeError(`expected ${this.rows} observations, got ${y.length}`);
    const beta = this.math.multiply(this.projector, y as number[]) as number[];
    const fitted = this.math.multiply(this.design, beta) as number[];
    let rss = 0;
    for (let i = 0; i < this.rows; i++) rss += ((y[i] as number) - (fitted[i] as number)) ** 2;
    const degreesOfFreedom = this.rows - this.columns;
    return { beta, residualVariance: rss / degreesOfFreedom, degreesOfFreedom };
  }

  /** xᵀ(XᵀX)⁻¹x: times s², the variance of the fitted mean at x. Depends on the design only. */
  leverage(x: readonly number[]): number {
    return this.math.dot(x as number[], this.math.multiply(this.inverse, x as number[]) as number[]);
  }

  /** x·β and the variance of that mean, s²·xᵀ(XᵀX)⁻¹x. */
  predict(fit: LinearFit, x: readonly number[]): { mean: number; meanVariance: number } {
    return { mean: this.math.dot(x as number[], fit.beta), meanVariance: fit.residualVariance * this.leverage(x) };
  }
}
