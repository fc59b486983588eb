/**
 * Whether an Ingress path matches a request path, by the rules of `networking.k8s.io/v1`
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types): `Exact` matches
 * the URL path exactly, case-sensitively; `Prefix` matches element by element on `/`-separated
 * elements, so `/foo` matches `/foo`, `/foo/` and `/foo/bar` but not `/foobar`, and a trailing `/`
 * in either path is ignored. (`ImplementationSpecific` is left to the controller; we use neither.)
 */
export function ingressPathMatches(
  rule: { path: string; pathType: 'Exact' | 'Prefix' },
  requestPath: string,
): boolean {
  if (rule.pathType === 'Exact') return rule.path === requestPath;
  const elements = (path: string) => path.split('/').filter((element) => element !== '');
  const prefix = elements(rule.path);
  const request = elements(requestPath);
  return prefix.length <= request.length && prefix.every((element, i) => element === request[i]);
}
