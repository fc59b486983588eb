import { describe, expect, it } from 'vitest';
import { containerLabelsFromEnv } from './testcontainers-provider.js';

describe('container labels from the environment', () => {
  it('reads one name=value label, the value free to contain = itself', () => {
    expect(containerLabelsFromEnv({ TESTKIT_CONTAINER_LABEL: 'org.example.run=a=b' })).toEqual({
      'org.example.run': 'a=b',
    });
  });

  it('gives no labels when unset or empty', () => {
    expect(containerLabelsFromEnv({})).toEqual({});
    expect(containerLabelsFromEnv({ TESTKIT_CONTAINER_LABEL: '' })).toEqual({});
  });

  it('refuses anything that is not name=value', () => {
    expect(() => containerLabelsFromEnv({ TESTKIT_CONTAINER_LABEL: 'no-value' })).toThrow(
      /must be name=value/,
    );
    expect(() => containerLabelsFromEnv({ TESTKIT_CONTAINER_LABEL: '=x' })).toThrow(
      /must be name=value/,
    );
  });
});
