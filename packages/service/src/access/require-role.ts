import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendProblem } from '../platform/http/problem-details.js';
import type { ApiToken } from './api-tokens.js';
import { grants, type Role } from './roles.js';

/** A middleware that admits bearer tokens of a role, carrying that role for the route audit. */
export type RoleGuard = RequestHandler & { readonly requiredRole: Role };

/** Makes the guard each route puts next to its path: `router.get(path, access('read'), ...)`. */
export type Access = (role: Role) => RoleGuard;

/**
 * Bearer tokens for the operator API, each with a role. Tokens are compared as SHA-256 digests
 * with `timingSafeEqual`, every digest every time, so neither the content, the length nor which
 * token matched leaks through response timing. An unknown token is 401; a known token whose role
 * does not cover the route is 403 naming the role needed.
 */
export function createAccess(tokens: readonly ApiToken[]): Access {
  const known = tokens.map((entry) => ({ role: entry.role, digest: digest(entry.token) }));
  const roleOf = (presented: string): Role | undefined => {
    const candidate = digest(presented);
    let role: Role | undefined;
    for (const entry of known) {
      if (timingSafeEqual(candidate, entry.digest)) role ??= entry.role;
    }
    return role;
  };
  return (required) => {
    const guard: RequestHandler = (req, res, next) => {
      const match = /^Bearer ([^\s]+)$/i.exec(req.get('authorization') ?? '');
      const role = match?.[1] === undefined ? undefined : roleOf(match[1]);
      if (role === undefined) {
        res.set('WWW-Authenticate', 'Bearer realm="mastercom-service"');
        sendProblem(res, 401, 'Unauthorized', 'a valid bearer token is required');
        return;
      }
      if (!grants(role, required)) {
        sendProblem(
          res,
          403,
          'Forbidden',
          `this request needs a token with the ${required} role; this token's role is ${role}`,
        );
        return;
      }
      // For a route that answers differently by role (the desk's session); never logged.
      res.locals.role = role;
      next();
    };
    return Object.assign(guard, { requiredRole: required });
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The role of the token a guard admitted, for a route behind `access(...)`. */
export function admittedRole(res: { locals: Record<string, unknown> }): Role {
  const role = res.locals.role;
  if (typeof role !== 'string') throw new Error('admittedRole(): the route has no access guard');
  return role as Role;
}
