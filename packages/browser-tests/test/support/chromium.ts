/* eslint-disable security/detect-non-literal-fs-filename -- the browser's path and the report folder */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (package `chromium`); CHROMIUM_PATH points elsewhere on other machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, and quiet on the network: no sandbox (the suite may run as root in a container), no
 * GPU, and none of the background traffic (updates, sync, QUIC probes) a desktop browser starts,
 * so the only requests are the ones the pages make to the service on loopback.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Installs Debian's Chromium when it is missing and this process may (root with apt-get), as the
 * test stage does on a fresh agent; otherwise says what to install.
 */
export function ensureChromium(log: (line: string) => void = console.log): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  log('browser: installing chromium with apt-get');
  execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** A fresh browser with its own temporary profile; close it after the file. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Where screenshots go: reports/browser, kept by CI as artifacts and out of git. */
export function screenshotPath(name: string): string {
  const folder = new URL('../../reports/browser/', import.meta.url).pathname;
  mkdirSync(folder, { recursive: true });
  return `${folder}${name}.png`;
}
