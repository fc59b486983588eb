import type { ServiceApp } from '../app.js';
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
 * Every route of the app with the role its guard declares, read from what the app really serves
 * rather than a list kept by hand: the routes served before Express (they authenticate on their
 * own, with no bearer token), then Express's own router. Routers mounted without a path prefix
 * are walked; this app mounts all of its routers that way.
 */
export function routeTable(app: ServiceApp): RouteEntry[] {
  const entries: RouteEntry[] = app.directRoutes.flatMap((route) =>
    route.methods.map((method) => ({ method, path: route.path, role: undefined })),
  );
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
  walk((app.express as unknown as { router: { stack: Layer[] } }).router.stack);
  return entries;
}
