import { describe, expect, it } from 'vitest';
import { parseApiTokens } from './api-tokens.js';
import { grants, ROLES } from './roles.js';

const long = (c: string) => c.repeat(32);

describe('parseApiTokens', () => {
  it('reads role:token entries, keeping colons inside the token', () => {
    expect(parseApiTokens([`read:${long('r')}`, `ledger:${long('l')}:x`], false)).toEqual({
      tokens: [
        { role: 'read', token: long('r') },
        { role: 'ledger', token: `${long('l')}:x` },
      ],
      problems: [],
    });
  });

  it('takes a bare token as read in development and refuses it elsewhere', () => {
    expect(parseApiTokens(['dev-token'], true).tokens).toEqual([
      { role: 'read', token: 'dev-token' },
    ]);
    expect(parseApiTokens([long('b')], false)).toEqual({
      tokens: [],
      problems: [
        'entry 1 has no role; write it as role:token with a role of read, agent, ledger, admin',
      ],
    });
  });

  it('refuses the same token twice, whatever the roles', () => {
    expect(parseApiTokens([`read:${long('t')}`, `admin:${long('t')}`], false).problems).toEqual([
      'entry 2 repeats an earlier token; give each token one role',
    ]);
  });
});

describe('roles', () => {
  it('agent covers read, admin covers everything, ledger and read only themselves', () => {
    const table = Object.fromEntries(
      ROLES.map((held) => [held, ROLES.filter((required) => grants(held, required))]),
    );
    expect(table).toEqual({
      read: ['read'],
      agent: ['read', 'agent'],
      ledger: ['ledger'],
      admin: ['read', 'agent', 'ledger', 'admin'],
    });
  });
});
