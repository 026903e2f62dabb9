import { describe, expect, it } from 'vitest';
import { arrayLiteral, Params } from './params.js';

// That PostgreSQL reads these as pg's own conversion: postgresStore.test.ts ("sends arrays …").
describe('arrayLiteral', () => {
  it('quotes strings, escaping only quotes and backslashes; writes numbers, booleans and nulls bare', () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['plain', '', 'say "hi"', 'C:\\dir', '\\"', '{a},b', 'NULL', 'é 😀'])).toBe('{"plain","","say \\"hi\\"","C:\\\\dir","\\\\\\"","{a},b","NULL","é 😀"}');
    expect(arrayLiteral([null, 'a', undefined])).toBe('{null,"a",null}');
    expect(arrayLiteral([0, -17, 2 ** 53 - 1, 0.5, 1.5e-7, true, false])).toBe('{0,-17,9007199254740991,0.5,1.5e-7,true,false}');
  });

  it('leaves to pg what JSON would escape otherwise, and what is not a string, a finite number, a boolean or null', () => {
    for (const odd of ['new\nline', 'tab\t', 'bell\u0007', 'nul\u0000', 'lone \ud800 surrogate', '\\\n']) expect(arrayLiteral(['ok', odd]), JSON.stringify(odd)).toBeUndefined();
    for (const odd of [Number.NaN, Number.POSITIVE_INFINITY, Buffer.from('x'), 1n, { a: 1 }, ['nested']]) expect(arrayLiteral([odd])).toBeUndefined();
  });

  it('is what Params sends for an array; other arrays and scalars go as they are', () => {
    const p = new Params();
    const tails = [Buffer.from('ab')];
    expect(p.unnest([[['a"b', null], 'text[]'], [[1, 2], 'bigint[]'], [tails, 'bytea[]']])).toBe('unnest($1::text[], $2::bigint[], $3::bytea[])');
    expect(p.add('x', 'text')).toBe('$4::text');
    expect(p.values).toEqual(['{"a\\"b",null}', '{1,2}', tails, 'x']);
  });
});
