import { describe, expect, it } from 'vitest';
import { GroupCommitter } from './group-commit.js';

/** A commit function whose calls the test resolves by hand, so no timing is involved. */
function controlledCommit() {
  const calls: { items: string[]; finish: (fail?: Error) => void }[] = [];
  const commit = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        items,
        finish: (fail) => {
          if (fail) reject(fail);
          else resolve(items.map((item) => `ok:${item}`));
        },
      });
    });
  return { calls, commit };
}

describe('GroupCommitter', () => {
  it('commits a lone submission at once', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { maxItems: 100, maxInFlight: 1 });
    const result = committer.submit(['a']);
    expect(calls.map((call) => call.items)).toEqual([['a']]);
    calls[0]?.finish();
    await expect(result).resolves.toEqual(['ok:a']);
  });

  it('groups what arrives during a commit into the next one and answers each caller with its own results', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { maxItems: 100, maxInFlight: 1 });
    const first = committer.submit(['a']);
    const second = committer.submit(['b', 'c']);
    const third = committer.submit(['d']);
    expect(calls).toHaveLength(1);
    expect(committer.backlog).toBe(3);
    calls[0]?.finish();
    await expect(first).resolves.toEqual(['ok:a']);
    await Promise.resolve();
    expect(calls[1]?.items).toEqual(['b', 'c', 'd']);
    calls[1]?.finish();
    await expect(second).resolves.toEqual(['ok:b', 'ok:c']);
    await expect(third).resolves.toEqual(['ok:d']);
  });

  it('never resolves a caller before the commit that holds its items', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { maxItems: 100, maxInFlight: 1 });
    let settled = false;
    void committer.submit(['a']).then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    calls[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(true);
  });

  it('caps a group at maxItems whole submissions and runs up to maxInFlight commits', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { maxItems: 3, maxInFlight: 2 });
    void committer.submit(['a']);
    void committer.submit(['b']);
    void committer.submit(['c', 'd']);
    void committer.submit(['e', 'f']);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b']]);
    calls[0]?.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls[2]?.items).toEqual(['c', 'd']);
  });

  it('retries each submission alone when a grouped commit fails, so one bad caller fails only itself', async () => {
    const { calls, commit } = controlledCommit();
    const committer = new GroupCommitter(commit, { maxItems: 100, maxInFlight: 1 });
    const first = committer.submit(['a']);
    const good = committer.submit(['b']);
    const bad = committer.submit(['x']);
    calls[0]?.finish();
    await first;
    await Promise.resolve();
    calls[1]?.finish(new Error('bad row in the group'));
    await new Promise((resolve) => setImmediate(resolve));
    const retries = calls.slice(2);
    expect(retries.map((call) => call.items)).toEqual([['b'], ['x']]);
    retries[0]?.finish();
    retries[1]?.finish(new Error('bad row x'));
    await expect(good).resolves.toEqual(['ok:b']);
    await expect(bad).rejects.toThrow('bad row x');
  });
});
