/* eslint-disable security/detect-non-literal-fs-filename -- files in a temporary folder the test makes */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatDeb822,
  mirrorForRelease,
  parseDeb822Sources,
  parseOneLineSources,
  readMachineAptSources,
  sourcesForRelease,
} from './apt-sources.js';

const debianSources = `Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://sources.example/debian
Suites: bookworm
Components: main
`;

describe('apt sources', () => {
  it('reads the deb stanzas of deb822 files, comments and source-only stanzas left out', () => {
    expect(parseDeb822Sources(debianSources)).toEqual([
      {
        uri: 'http://mirror.example/debian',
        suites: ['bookworm', 'bookworm-updates'],
        components: ['main'],
        signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
      },
      {
        uri: 'http://mirror.example/debian-security',
        suites: ['bookworm-security'],
        components: ['main', 'contrib'],
        signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
      },
    ]);
  });

  it('skips a stanza that is switched off', () => {
    expect(parseDeb822Sources('Enabled: no\nTypes: deb\nURIs: http://a\nSuites: x\n')).toEqual([]);
  });

  it('reads one-line sources with options', () => {
    expect(
      parseOneLineSources(
        '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\ndeb-src http://x y z\n',
      ),
    ).toEqual([
      {
        uri: 'http://mirror.example/debian',
        suites: ['bookworm'],
        components: ['main', 'contrib'],
        signedBy: '/k.gpg',
      },
    ]);
  });

  it('finds the mirror of a release and the sources of its update suites, not of other releases', () => {
    const sources = [
      ...parseOneLineSources('deb http://other.example/apt stable main\n'),
      ...parseDeb822Sources(debianSources),
      ...parseOneLineSources('deb http://old.example/debian bullseye main\n'),
    ];
    expect(mirrorForRelease(sources, 'bookworm')).toBe('http://mirror.example/debian');
    expect(mirrorForRelease(sources, 'trixie')).toBeUndefined();
    expect(sourcesForRelease(sources, 'bookworm').map((source) => source.uri)).toEqual([
      'http://mirror.example/debian',
      'http://mirror.example/debian-security',
    ]);
  });

  it('writes sources back as deb822 that reads the same', () => {
    const sources = parseDeb822Sources(debianSources);
    expect(parseDeb822Sources(formatDeb822(sources))).toEqual(sources);
  });

  it("reads a machine's sources.list and sources.list.d, ignoring other files there", async () => {
    const aptDir = await mkdtemp(path.join(tmpdir(), 'apt-sources-'));
    await mkdir(path.join(aptDir, 'sources.list.d'));
    await writeFile(path.join(aptDir, 'sources.list.d', 'debian.sources'), debianSources);
    await writeFile(
      path.join(aptDir, 'sources.list.d', 'vendor.list.disabled'),
      'deb http://vendor.example/apt bookworm main\n',
    );
    const sources = await readMachineAptSources(aptDir);
    expect(mirrorForRelease(sources, 'bookworm')).toBe('http://mirror.example/debian');
    expect(sources.map((source) => source.uri)).not.toContain('http://vendor.example/apt');
  });
});
