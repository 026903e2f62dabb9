/**
 * The parameters of one statement built from parts: each value added gets the next `$n`, cast
 * to its array type, so parts can be put together in any number and order.
 */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }

  /** `unnest($a::t1, $b::t2, …)` over parallel arrays, one per column. */
  unnest(columns: [unknown[], string][]): string {
    return `unnest(${columns.map(([values, type]) => this.add(values, type)).join(', ')})`;
  }
}
