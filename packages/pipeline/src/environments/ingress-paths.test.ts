import { describe, expect, it } from 'vitest';
import { ingressPathMatches } from './ingress-paths.js';

// The examples table of the Kubernetes documentation, "Ingress: Examples"
// (https://kubernetes.io/docs/concepts/services-networking/ingress/#examples), row by row.
const EXAMPLES: [pathType: 'Exact' | 'Prefix', path: string, request: string, matches: boolean][] =
  [
    ['Prefix', '/', '/', true],
    ['Prefix', '/', '/foo', true],
    ['Exact', '/foo', '/foo', true],
    ['Exact', '/foo', '/bar', false],
    ['Exact', '/foo', '/foo/', false],
    ['Exact', '/foo/', '/foo', false],
    ['Prefix', '/foo', '/foo', true],
    ['Prefix', '/foo', '/foo/', true],
    ['Prefix', '/foo/', '/foo', true],
    ['Prefix', '/foo/', '/foo/', true],
    ['Prefix', '/aaa/bb', '/aaa/bbb', false],
    ['Prefix', '/aaa/bbb', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb/', '/aaa/bbb', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbb/ccc', true],
    ['Prefix', '/aaa/bbb', '/aaa/bbbxyz', false],
    ['Prefix', '/aaa', '/ccc', false],
  ];

describe('Ingress path matching', () => {
  it("follows every row of Kubernetes' own examples", () => {
    expect(
      EXAMPLES.map(([pathType, path, request]) => ingressPathMatches({ path, pathType }, request)),
    ).toEqual(EXAMPLES.map(([, , , matches]) => matches));
  });
});
