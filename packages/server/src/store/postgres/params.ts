/**
 * The parameters of one statement built from parts: each value added gets the next `$n`, cast
 * to its array type, so parts can be put together in any number and order. Arrays go as their
 * text form (see arrayLiteral).
 */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown, type: string): string {
    this.values.push(Array.isArray(value) ? (arrayLiteral(value) ?? value) : value);
    return `$${this.values.length}::${type}`;
  }

  /** `unnest($a::t1, $b::t2, …)` over parallel arrays, one per column. */
  unnest(columns: [unknown[], string][]): string {
    return `unnest(${columns.map(([values, type]) => this.add(values, type)).join(', ')})`;
  }
}

/**
 * In JSON's text, an escape PostgreSQL's array syntax reads otherwise: any but `\"` and `\\`. A
 * backslash starts one when it ends a run of odd length.
 */
const FOREIGN_ESCAPE = /(?<!\\)(?:\\\\)*\\[^"\\]/;

/**
 * PostgreSQL's text form of a one-dimensional array of strings, finite numbers, booleans and
 * nulls (`{"a",1,true,null}`), as `pg` would send it, or undefined for any other array (`pg`
 * then converts it itself). JSON's text is that form but for its brackets: strings quoted, `"`
 * and `\` escaped with a backslash, and a bare null read as NULL. An array whose JSON holds any
 * other escape (a control character, a lone surrogate) is left to `pg` too.
 *
 * `pg` builds the literal element by element, each a few short strings, and the write statements
 * send about sixty arrays a commit: the largest single allocation of a node under bench:live.
 * Built here in one JSON.stringify: a small saving, kept because it costs little (figures:
 * docs/scale-out.md, "What the tail is made of").
 */
export function arrayLiteral(values: readonly unknown[]): string | undefined {
  for (const value of values) {
    const kind = typeof value;
    if (value === null || value === undefined || kind === 'string' || kind === 'boolean') continue;
    if (kind === 'number' && Number.isFinite(value)) continue;
    return undefined;
  }
  const json = JSON.stringify(values);
  if (FOREIGN_ESCAPE.test(json)) return undefined;
  return `{${json.slice(1, -1)}}`;
}
