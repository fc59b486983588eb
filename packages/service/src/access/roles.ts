import { API_TOKEN_ROLES, type ApiTokenRole } from '@mastercom/contracts';

/**
 * What a bearer token may do. `read` looks (alerts, cases, documents); `agent` also decides alerts
 * by hand and works cases and documents; `ledger` only imports the merchant's transactions (the
 * figures refunds are decided on), so a system that feeds the ledger can do nothing else; `admin`
 * does everything.
 * The list is the contracts' own: the desk's session answer names a role.
 */
export const ROLES = API_TOKEN_ROLES;
export type Role = ApiTokenRole;

/** The roles a token of each role acts as. */
const GRANTS: Readonly<Record<Role, readonly Role[]>> = {
  read: ['read'],
  agent: ['agent', 'read'],
  ledger: ['ledger'],
  admin: ROLES,
};

/** Whether a token of role `held` may use a route that requires `required`. */
export function grants(held: Role, required: Role): boolean {
  return GRANTS[held].includes(required);
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}
