import { describe, expect, it } from 'vitest';
import {
  DockerfileSyntaxError,
  flag,
  parseDockerfile,
  parseKeyValues,
  substitute,
} from './parse-dockerfile.js';

describe('parseDockerfile', () => {
  it('splits stages, keeps global ARGs and lower-cases stage names', () => {
    const dockerfile = parseDockerfile(
      [
        'ARG IMAGE=node:24-slim',
        'FROM ${IMAGE} AS Base',
        'RUN echo one',
        'FROM base AS next',
        'CMD ["node"]',
      ].join('\n'),
    );
    expect(dockerfile.globalArgs.get('IMAGE')).toBe('node:24-slim');
    expect(
      dockerfile.stages.map((stage) => [stage.name, stage.from, stage.instructions.length]),
    ).toEqual([
      ['base', '${IMAGE}', 1],
      ['next', 'base', 1],
    ]);
  });

  it('joins continuations, skipping comment lines inside them, and reports the first line', () => {
    const dockerfile = parseDockerfile(
      [
        'FROM a:1 AS one',
        '',
        '# comment',
        'RUN apt-get update \\',
        '  # explained here',
        ' && apt-get install tini',
      ].join('\n'),
    );
    const run = dockerfile.stages[0]?.instructions[0];
    expect(run?.keyword).toBe('RUN');
    expect(run?.line).toBe(4);
    expect(run?.args).toBe('apt-get update  && apt-get install tini');
  });

  it('honours the escape directive', () => {
    const dockerfile = parseDockerfile(
      ['# escape=`', 'FROM a:1 AS one', 'RUN echo a `', '  b\\c'].join('\n'),
    );
    expect(dockerfile.stages[0]?.instructions[0]?.args).toBe('echo a   b\\c');
  });

  it('reads leading flags and exec form', () => {
    const dockerfile = parseDockerfile(
      [
        'FROM a:1 AS one',
        'RUN --mount=type=cache,target=/store --network=host pnpm install',
        'COPY --from=build --chown=1000:1000 /out/ /app/',
        'CMD ["node", "dist/main.js"]',
        'ENTRYPOINT [not json',
      ].join('\n'),
    );
    const [run, copy, cmd, entrypoint] = dockerfile.stages[0]?.instructions ?? [];
    expect(run?.flags).toEqual([
      { name: 'mount', value: 'type=cache,target=/store' },
      { name: 'network', value: 'host' },
    ]);
    expect(run?.args).toBe('pnpm install');
    expect(copy && flag(copy, 'from')).toBe('build');
    expect(copy?.args).toBe('/out/ /app/');
    expect(cmd?.execForm).toEqual(['node', 'dist/main.js']);
    expect(entrypoint?.execForm).toBeUndefined();
  });

  it('rejects instructions before FROM other than ARG, heredocs and unreadable FROM lines', () => {
    expect(() => parseDockerfile('RUN true\nFROM a:1 AS one')).toThrow(DockerfileSyntaxError);
    expect(() => parseDockerfile('FROM a:1 AS one\nRUN <<EOF\necho\nEOF')).toThrow(/heredocs/);
    expect(() => parseDockerfile('FROM a:1 one two')).toThrow(/cannot read FROM/);
    expect(() => parseDockerfile('# escape=x\nFROM a:1')).toThrow(/escape/);
  });
});

describe('parseKeyValues', () => {
  it('reads quoted, bare and valueless pairs and the legacy form', () => {
    expect([...parseKeyValues('A=1 B="two words" C=\'x y\' D')]).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'x y'],
      ['D', undefined],
    ]);
    expect([...parseKeyValues('NODE_ENV production')]).toEqual([['NODE_ENV', 'production']]);
  });
});

describe('substitute', () => {
  it('replaces braced, bare and defaulted variables', () => {
    const variables = new Map([
      ['IMAGE', 'node:24'],
      ['EMPTY', ''],
    ]);
    expect(substitute('${IMAGE}', variables)).toBe('node:24');
    expect(substitute('$IMAGE-x', variables)).toBe('node:24-x');
    expect(substitute('${EMPTY:-fallback}', variables)).toBe('fallback');
    expect(substitute('${MISSING}', variables)).toBe('');
  });
});
