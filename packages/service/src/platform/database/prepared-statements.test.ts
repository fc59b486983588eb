import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type RawBuilder,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { MAX_PREPARED_TEXTS, preparedAs, StatementNames } from './prepared-statements.js';

// Kysely without a database, for the text it would send (its documented "compile only" setup).
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const textOf = (statement: RawBuilder<unknown>): string => statement.compile(compiler).sql;

describe('preparedAs', () => {
  it('puts the label first in the statement, as a comment the pool recognises', () => {
    const text = textOf(sql`${preparedAs('ingest-alerts')} SELECT ${1}::int`);
    expect(text).toBe('/* prepared: ingest-alerts */ SELECT $1::int');
    expect(new StatementNames().nameFor(text)).toMatch(/^ingest-alerts-[0-9a-f]{16}$/);
  });

  it.each(['', 'Ingest', '1st', 'with space', 'a*/ DROP TABLE alerts; /*', 'x'.repeat(41)])(
    'refuses the label %j',
    (label) => {
      expect(() => preparedAs(label)).toThrow(/prepared statement label/);
    },
  );
});

describe('StatementNames', () => {
  it('leaves a statement without the label unnamed', () => {
    const names = new StatementNames();
    expect(names.nameFor('SELECT 1')).toBeUndefined();
    expect(names.nameFor(' /* prepared: late */ SELECT 1')).toBeUndefined();
    expect(names.nameFor('/* prepared: Bad Label */ SELECT 1')).toBeUndefined();
  });

  it('gives one text one name every time, and two texts under one label two names', () => {
    const names = new StatementNames();
    const first = names.nameFor('/* prepared: probe */ SELECT 1');
    expect(names.nameFor('/* prepared: probe */ SELECT 1')).toBe(first);
    const second = names.nameFor('/* prepared: probe */ SELECT 2');
    expect(second).toMatch(/^probe-/);
    expect(second).not.toBe(first);
  });

  it(`runs texts past the first ${String(MAX_PREPARED_TEXTS)} unnamed, and keeps naming the ones it knows`, () => {
    const names = new StatementNames();
    const texts = Array.from(
      { length: MAX_PREPARED_TEXTS + 1 },
      (_, index) => `/* prepared: probe */ SELECT ${String(index)}`,
    );
    const named = texts.map((text) => names.nameFor(text));
    expect(named.slice(0, MAX_PREPARED_TEXTS).every((name) => name !== undefined)).toBe(true);
    expect(named.at(-1)).toBeUndefined();
    expect(names.nameFor(texts[0] ?? '')).toBe(named[0]);
  });
});
