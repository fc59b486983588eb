import { describe, expect, it } from 'vitest';
import { canonicalizeDn, certificateSubjectDn } from './subject-dn.js';

describe('canonicalizeDn', () => {
  it('removes spaces around separators and upper-cases attribute types', () => {
    expect(canonicalizeDn(' cn = ethoca , o=Ethoca Test ,  c=CA ')).toBe(
      'CN=ethoca,O=Ethoca Test,C=CA',
    );
  });

  it('keeps escaped separators and an escaped trailing space inside the value', () => {
    expect(canonicalizeDn('CN=Smith\\, John,O=A\\+B,C=CA')).toBe('CN=Smith\\, John,O=A\\+B,C=CA');
    expect(canonicalizeDn('CN=padded\\ ,C=CA')).toBe('CN=padded\\ ,C=CA');
  });

  it('keeps multi-valued RDNs together and accepts dotted OIDs as types', () => {
    expect(canonicalizeDn('OU=x + OU=y,2.5.4.10=Org')).toBe('OU=x+OU=y,2.5.4.10=Org');
  });

  it('compares values case-sensitively, as written in the certificate', () => {
    expect(canonicalizeDn('CN=Ethoca')).not.toBe(canonicalizeDn('CN=ethoca'));
  });

  it('returns undefined for strings that are not DNs', () => {
    for (const notADn of ['', 'just a name', 'CN=a,,C=CA', '=value', 'C N=x', '1.=x', 'CN=a,']) {
      expect(canonicalizeDn(notADn)).toBeUndefined();
    }
  });
});

describe('certificateSubjectDn', () => {
  it('reverses Node’s certificate-order lines into RFC 4514 order', () => {
    expect(certificateSubjectDn({ subject: 'C=CA\nO=Ethoca Test\nCN=ethoca-alerts-client' })).toBe(
      'CN=ethoca-alerts-client,O=Ethoca Test,C=CA',
    );
  });

  it('keeps escaped commas and joins multi-valued RDNs with a plain plus', () => {
    expect(certificateSubjectDn({ subject: 'C=CA\nO=Ethoca\\, Inc.\nOU=x + OU=y\nCN=a' })).toBe(
      'CN=a,OU=x+OU=y,O=Ethoca\\, Inc.,C=CA',
    );
  });
});
