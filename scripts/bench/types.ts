/** One benchmark of `npm run bench`: runs in-process and returns its figures. */
export interface Benchmark {
  readonly name: string;
  run(): BenchResult | Promise<BenchResult>;
}

export interface BenchResult {
  readonly name: string;
  /** Figure name -> value, printed in order. */
  readonly figures: Readonly<Record<string, number>>;
  /** A figure with a target: printed as met or missed (never fails the run: CI machines vary). */
  readonly goal?: { readonly figure: string; readonly atMost: number };
}
