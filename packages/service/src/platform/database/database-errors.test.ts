import { describe, expect, it } from 'vitest';
import { isTransientDatabaseError } from './database-errors.js';

const withCode = (code: string) => Object.assign(new Error('x'), { code });

describe('isTransientDatabaseError', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a statement timeout (57014)', withCode('57014')],
    ['an admin shutdown (57P01)', withCode('57P01')],
    ['too many connections (53300)', withCode('53300')],
    ['a deadlock (40P01)', withCode('40P01')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
  ])('treats %s as transient', (_name, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ['a syntax error in our SQL (42601)', withCode('42601')],
    ['a unique violation (23505)', withCode('23505')],
    ['a plain bug', new TypeError('cannot read properties of undefined')],
    ['a non-error value', 'ECONNREFUSED'],
  ])('treats %s as a real failure', (_name, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});
