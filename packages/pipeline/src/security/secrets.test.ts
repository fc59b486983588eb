/* eslint-disable security/detect-non-literal-fs-filename -- paths are inside the repository or a temporary folder this code made, never user input */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanForSecrets, scanRepository } from './secrets.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

// Keys are made at run time in a temporary folder, so no realistic credential is ever committed.
function plant(name: string, content: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'secretlint-'));
  directories.push(directory);
  const file = path.join(directory, name);
  writeFileSync(file, content);
  return file;
}

describe('secret scanning', () => {
  it('finds a private key and masks it in the report', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const scan = scanForSecrets([plant('service-key.pem', pem)]);
    expect(scan.ok).toBe(false);
    expect(scan.report).toContain('secretlint-rule-privatekey');
    expect(scan.report).not.toContain(pem.split('\n')[1]);
  });

  it('finds a GitHub token in a configuration file', () => {
    // GitHub tokens are 36 alphanumerics after the prefix.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const token = `ghp_${Array.from(randomBytes(36), (byte) => alphabet[byte % alphabet.length]).join('')}`;
    const scan = scanForSecrets([plant('settings.json', JSON.stringify({ token }))]);
    expect(scan.ok).toBe(false);
    expect(scan.report).toContain('secretlint-rule-github');
  });

  it('passes a file without credentials', () => {
    expect(scanForSecrets([plant('notes.md', '# Notes\nNothing secret here.\n')]).ok).toBe(true);
  });

  it('finds nothing in the repository', () => {
    const scan = scanRepository();
    expect(scan.report).toBe('');
    expect(scan.ok).toBe(true);
    expect(scan.files).toBeGreaterThan(100);
  });
});
