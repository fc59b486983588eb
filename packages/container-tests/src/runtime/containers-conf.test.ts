import { describe, expect, it } from 'vitest';
import { withRequiredSettings } from './containers-conf.js';

const required = '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n';

describe('withRequiredSettings', () => {
  it('writes both tables into an empty file', () => {
    expect(withRequiredSettings('')).toBe(required);
  });

  it('leaves a file that already holds the settings byte for byte alone', () => {
    const text = `# site settings\n${required.replace('runtime = "runc"', 'runtime="runc"  # no crun here')}`;
    expect(withRequiredSettings(text)).toBe(text);
    expect(withRequiredSettings(required)).toBe(required);
  });

  it('is the same applied twice as once', () => {
    const text = '[engine]\nruntime = "crun"\nevents_logger = "file"\n';
    const once = withRequiredSettings(text);
    expect(withRequiredSettings(once)).toBe(once);
  });

  it('replaces another value in place and keeps every other setting and comment', () => {
    const text = [
      '# written by the machine image',
      '[containers]',
      'log_size_max = -1',
      '# default_ulimits = ["nofile=1024:1024"]',
      '',
      '[engine]',
      'runtime = "crun"',
      'events_logger = "file"',
      '',
      '[engine.runtimes]',
      'runc = ["/usr/bin/runc"]',
      '',
    ].join('\n');
    expect(withRequiredSettings(text)).toBe(
      [
        '# written by the machine image',
        '[containers]',
        'default_ulimits = []',
        'log_size_max = -1',
        '# default_ulimits = ["nofile=1024:1024"]',
        '',
        '[engine]',
        'runtime = "runc"',
        'events_logger = "file"',
        '',
        '[engine.runtimes]',
        'runc = ["/usr/bin/runc"]',
        '',
      ].join('\n'),
    );
  });

  it('replaces a multi-line array whole', () => {
    const text = [
      '[containers]',
      'default_ulimits = [',
      '  "nofile=1048576:1048576", # the usual',
      '  "nproc=4096:4096",',
      ']',
      'pids_limit = 2048',
      '',
    ].join('\n');
    expect(withRequiredSettings(text)).toBe(
      '[containers]\ndefault_ulimits = []\npids_limit = 2048\n\n[engine]\nruntime = "runc"\n',
    );
  });

  it('does not mistake a key of another table for the required one', () => {
    const text = '[engine.runtimes]\nruntime = "kata"\n';
    expect(withRequiredSettings(text)).toBe(
      '[engine.runtimes]\nruntime = "kata"\n\n[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n',
    );
  });
});
