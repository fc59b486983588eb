import type { X509Certificate } from 'node:crypto';

/*
 * One canonical string form for subject DNs, so that a DN read from a certificate, a DN forwarded
 * by a proxy and a DN written in configuration compare equal when they name the same subject.
 *
 * The form is RFC 4514: RDNs from the most specific to the least (`CN=...,O=...,C=...`, the
 * reverse of the order in the certificate), separated by `,` without spaces; the attribute-value
 * pairs of a multi-valued RDN joined by `+`; attribute types in upper case (OpenSSL's short names
 * such as `CN`, `OU`, `EMAILADDRESS`, or a dotted OID); values kept exactly as escaped, with the
 * unescaped spaces around separators removed. Values compare case-sensitively: an allow-list entry
 * must spell the subject the way the certificate does.
 */

/** Splits on a separator character that is not escaped with a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (char === '\\' && i + 1 < text.length) {
      current += char + text.charAt(i + 1);
      i += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** Removes surrounding spaces, except a trailing space that is escaped and so part of the value. */
function trimUnescaped(text: string): string {
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === ' ') {
    let backslashes = 0;
    while (end - 2 - backslashes >= 0 && text.charAt(end - 2 - backslashes) === '\\') {
      backslashes += 1;
    }
    if (backslashes % 2 === 1) {
      break;
    }
    end -= 1;
  }
  return text.slice(0, end).trimStart();
}

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function isAttributeType(type: string): boolean {
  if (ATTRIBUTE_NAME.test(type)) {
    return true;
  }
  const arcs = type.split('.');
  return arcs.length >= 2 && arcs.every((arc) => /^\d+$/.test(arc));
}

function canonicalAva(ava: string): string | undefined {
  const equals = ava.indexOf('=');
  if (equals <= 0) {
    return undefined;
  }
  const type = ava.slice(0, equals).trim();
  if (!isAttributeType(type)) {
    return undefined;
  }
  return `${type.toUpperCase()}=${trimUnescaped(ava.slice(equals + 1))}`;
}

/**
 * Brings an RFC 4514 DN string into the canonical form described above, or returns undefined when
 * it is not a DN at all (an RDN without `=`, an empty RDN, an attribute type that is not a name
 * or an OID).
 */
export function canonicalizeDn(dn: string): string | undefined {
  const rdns: string[] = [];
  for (const rdn of splitUnescaped(dn, ',')) {
    const avas: string[] = [];
    for (const ava of splitUnescaped(rdn, '+')) {
      const canonical = canonicalAva(ava);
      if (canonical === undefined) {
        return undefined;
      }
      avas.push(canonical);
    }
    rdns.push(avas.join('+'));
  }
  return rdns.join(',');
}

/**
 * The certificate's subject in the canonical form. Node prints the subject one RDN per line in
 * certificate order, with values already escaped per RFC 2253 (so a comma inside a value arrives
 * as `\,`) and the pairs of a multi-valued RDN joined by ` + `; reversing the lines gives RFC 4514
 * order.
 */
export function certificateSubjectDn(cert: Pick<X509Certificate, 'subject'>): string {
  const rfc4514 = cert.subject.split('\n').reverse().join(',');
  return canonicalizeDn(rfc4514) ?? rfc4514;
}

/** Compiles a configured allow-list; returns the entries that are not DNs as the second value. */
export function compileSubjectAllowList(entries: readonly string[] | undefined): {
  readonly allowed: ReadonlySet<string> | undefined;
  readonly invalid: readonly string[];
} {
  if (entries === undefined || entries.length === 0) {
    return { allowed: undefined, invalid: [] };
  }
  const allowed = new Set<string>();
  const invalid: string[] = [];
  for (const entry of entries) {
    const canonical = canonicalizeDn(entry);
    if (canonical === undefined) {
      invalid.push(entry);
    } else {
      allowed.add(canonical);
    }
  }
  return { allowed, invalid };
}
