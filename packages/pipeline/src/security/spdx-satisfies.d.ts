// spdx-satisfies ships no type declarations; this is its documented signature.
declare module 'spdx-satisfies' {
  /** Whether an SPDX expression is satisfied by the approved licence identifiers. Throws on an invalid expression. */
  export default function satisfies(expression: string, approved: readonly string[]): boolean;
}
