import { generateKeyPairSync } from 'node:crypto';

export interface RsaKeyPairPem {
  /** PKCS#8 PEM, what the Mastercard signer takes. */
  privateKeyPem: string;
  /** SPKI PEM, what the mock Outcome API verifies with. */
  publicKeyPem: string;
}

/**
 * A fresh 2048-bit RSA key pair for a test run. Tests generate their keys instead of committing
 * any, so no key material lives in the repository.
 */
export function generateRsaKeyPair(): RsaKeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
