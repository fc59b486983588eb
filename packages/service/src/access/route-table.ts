import type { Express } from 'express';
import type { Role } from './roles.js';

export interface RouteEntry {
  method: string;
  path: string;
  /** The role the route's guard requires, or undefined when it has no bearer-token guard. */
  role: Role | undefined;
}

interface Layer {
  route?: { path: string; stack: { method?: string; handle: unknown }[] };
  handle?: { stack?: Layer[] };
}

/**
 * Every route of the app with the role its guard declares, read from Express's own router, so
 * an audit sees what is really mounted rather than a list kept by hand. Routers mounted without a
 * path prefix are walked; this app mounts all of its routers that way.
 */
export function routeTable(app: Express): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const walk = (stack: readonly Layer[]) => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        const guard = layer.route.stack.find(
          (inner) => typeof inner.handle === 'function' && 'requiredRole' in inner.handle,
        );
        const role = (guard?.handle as { requiredRole?: Role } | undefined)?.requiredRole;
        const methods = new Set(
          layer.route.stack.flatMap((inner) => (inner.method ? [inner.method.toUpperCase()] : [])),
        );
        for (const method of methods) entries.push({ method, path: layer.route.path, role });
      } else if (Array.isArray(layer.handle?.stack)) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return entries;
}
