import { afterEach, describe, expect, it, vi } from 'vitest';
import { booleanFlags, positionalArguments } from './cli-flags.js';

/** Runs a parse that may exit, and returns what it printed and the status it exited with. */
function attempt(parse: () => unknown): { status?: number; printed: string; value?: unknown } {
  let printed = '';
  vi.spyOn(console, 'error').mockImplementation((line: string) => {
    printed += line;
  });
  vi.spyOn(process, 'exit').mockImplementation((status) => {
    throw Object.assign(new Error('exit'), { status });
  });
  try {
    const value = parse();
    return { printed, value };
  } catch (error) {
    return { status: (error as { status?: number }).status, printed };
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('command-line arguments', () => {
  it('reads the boolean flags it knows, absent ones as false', () => {
    expect(attempt(() => booleanFlags('t', 'usage: t', ['check', 'apply'], ['--check']))).toEqual({
      printed: '',
      value: { check: true, apply: false },
    });
  });

  it('prints the usage and exits 2 on an unknown flag or a stray argument, with no stack', () => {
    for (const args of [['--chek'], ['extra']]) {
      const result = attempt(() => booleanFlags('gen', 'usage: gen [--check]', ['check'], args));
      expect(result.status).toBe(2);
      expect(result.printed).toMatch(/^gen: .+\nusage: gen \[--check\]$/s);
      expect(result.printed).not.toMatch(/\n\s+at /);
    }
  });

  it('takes exactly the positional arguments it needs and no flags', () => {
    expect(
      attempt(() => positionalArguments('s', 'usage: s A B', 2 as const, ['a', 'b'])).value,
    ).toEqual(['a', 'b']);
    for (const args of [['a'], ['a', 'b', 'c'], ['a', '--b']]) {
      const result = attempt(() => positionalArguments('s', 'usage: s A B', 2, args));
      expect(result.status).toBe(2);
      expect(result.printed).toContain('usage: s A B');
    }
  });
});
