/* eslint-disable security/detect-non-literal-fs-filename -- reads the machine's own apt source lists */
// The Debian archive this machine installs from, read from its apt configuration each time: the
// local images install from the same mirror (and snapshot, if the machine pins one) as the machine.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One `deb` source: a repository URI, its suites and components. */
export interface AptSource {
  readonly uri: string;
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** The keyring named by `Signed-By`, when the source names one. */
  readonly signedBy?: string;
}

/** The `deb` entries of deb822 `.sources` text (stanzas of `Field: value` lines). */
export function parseDeb822Sources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const field = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (field?.[1] !== undefined) {
        last = field[1].toLowerCase();
        fields.set(last, field[2] ?? '');
      } else if (last !== undefined && /^\s/.test(line)) {
        fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
      }
    }
    const words = (name: string) => (fields.get(name) ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || fields.get('enabled')?.trim() === 'no') continue;
    const signedBy = fields.get('signed-by')?.trim();
    for (const uri of words('uris')) {
      sources.push({
        uri,
        suites: words('suites'),
        components: words('components'),
        ...(signedBy ? { signedBy } : {}),
      });
    }
  }
  return sources;
}

/** The `deb` lines of a one-line-style `sources.list`. */
export function parseOneLineSources(text: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    // eslint-disable-next-line security/detect-unsafe-regex -- anchored; each group is separated by required whitespace from the next; linear
    const match = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!match?.[2] || !match[3]) continue;
    const signedBy = /signed-by=(\S+)/.exec(match[1] ?? '')?.[1];
    sources.push({
      uri: match[2],
      suites: [match[3]],
      components: (match[4] ?? '').split(/\s+/).filter(Boolean),
      ...(signedBy ? { signedBy } : {}),
    });
  }
  return sources;
}

/**
 * The sources of one Debian release: every source with the release itself or one of its
 * `-updates`, `-security`, `-backports` suites, keeping only those suites.
 */
export function sourcesForRelease(sources: readonly AptSource[], release: string): AptSource[] {
  const ofRelease = (suite: string) => suite === release || suite.startsWith(`${release}-`);
  return sources
    .filter((source) => source.suites.some(ofRelease))
    .map((source) => ({ ...source, suites: source.suites.filter(ofRelease) }));
}

/** The mirror debootstrap installs `release` from: the first source that carries the release itself. */
export function mirrorForRelease(
  sources: readonly AptSource[],
  release: string,
): string | undefined {
  return sources.find((source) => source.suites.includes(release))?.uri;
}

/** deb822 text for the image's /etc/apt/sources.list.d/, one stanza per source. */
export function formatDeb822(sources: readonly AptSource[]): string {
  return sources
    .map((source) =>
      [
        'Types: deb',
        `URIs: ${source.uri}`,
        `Suites: ${source.suites.join(' ')}`,
        `Components: ${source.components.join(' ')}`,
        ...(source.signedBy ? [`Signed-By: ${source.signedBy}`] : []),
      ].join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}

/** Every `deb` source this machine's apt reads: sources.list and sources.list.d/*.{list,sources}. */
export async function readMachineAptSources(aptDir = '/etc/apt'): Promise<AptSource[]> {
  const read = (file: string) => readFile(file, 'utf8').catch(() => '');
  const sources = parseOneLineSources(await read(path.join(aptDir, 'sources.list')));
  const partsDir = path.join(aptDir, 'sources.list.d');
  const parts = (await readdir(partsDir).catch(() => [])).sort();
  for (const name of parts) {
    const file = path.join(partsDir, name);
    if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(await read(file)));
    else if (name.endsWith('.list')) sources.push(...parseOneLineSources(await read(file)));
  }
  return sources;
}
