import { isRole, ROLES, type Role } from './roles.js';

export interface ApiToken {
  role: Role;
  token: string;
}

/** Outside development a token must be at least this long: 32 random characters or more. */
export const MIN_TOKEN_LENGTH = 32;

/**
 * Parses `API_TOKENS` entries, each `role:token`. A bare token (no known role before a colon) is
 * `read` in development and refused elsewhere. Problems name the entry by position and never
 * repeat the token, since they are printed at start.
 */
export function parseApiTokens(
  entries: readonly string[],
  development: boolean,
): { tokens: ApiToken[]; problems: string[] } {
  const tokens: ApiToken[] = [];
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    const prefix = colon < 0 ? undefined : entry.slice(0, colon);
    let role: Role;
    let token: string;
    if (prefix !== undefined && isRole(prefix)) {
      role = prefix;
      token = entry.slice(colon + 1);
    } else if (prefix !== undefined && /^[a-z]+$/.test(prefix)) {
      problems.push(`${where} names an unknown role "${prefix}" (roles: ${ROLES.join(', ')})`);
      return;
    } else if (development) {
      role = 'read';
      token = entry;
    } else {
      problems.push(
        `${where} has no role; write it as role:token with a role of ${ROLES.join(', ')}`,
      );
      return;
    }
    if (token.length === 0) {
      problems.push(`${where} has a role but no token`);
      return;
    }
    if (!development && token.length < MIN_TOKEN_LENGTH) {
      problems.push(
        `${where} (${role}) is ${token.length} characters; outside development a token has at least ${MIN_TOKEN_LENGTH}`,
      );
      return;
    }
    // One token, one role: the same secret twice would make its role depend on the order.
    if (tokens.some((known) => known.token === token)) {
      problems.push(`${where} repeats an earlier token; give each token one role`);
      return;
    }
    tokens.push({ role, token });
  });
  return { tokens, problems };
}
