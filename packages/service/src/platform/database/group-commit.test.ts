import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

describe('GroupCommitter gathering a group while submissions keep arriving', () => {
  const GATHER_MS = 3;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function gatheringCommitter(commit: (items: string[]) => Promise<string[]>, gatherItems = 100) {
    return new GroupCommitter(commit, {
      maxItems: 100,
      maxInFlight: 4,
      gatherMs: GATHER_MS,
      gatherItems,
      now: () => Date.now(),
    });
  }

  it('commits a submission after a quiet spell at once', async () => {
    const { calls, commit } = controlledCommit();
    const committer = gatheringCommitter(commit);
    void committer.submit(['a']);
    expect(calls.map((call) => call.items)).toEqual([['a']]);
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    void committer.submit(['b']);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b']]);
  });

  it('holds submissions that follow closely until the first of them has waited gatherMs, then commits them together', async () => {
    const { calls, commit } = controlledCommit();
    const committer = gatheringCommitter(commit);
    void committer.submit(['a']);
    await vi.advanceTimersByTimeAsync(1);
    void committer.submit(['b']);
    await vi.advanceTimersByTimeAsync(1);
    void committer.submit(['c']);
    // b arrived at 1 ms, so the group is due at 1 + GATHER_MS; it is now 2 ms.
    await vi.advanceTimersByTimeAsync(GATHER_MS - 2);
    expect(calls.map((call) => call.items)).toEqual([['a']]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c']]);
  });

  it('commits a gathering group as soon as it holds gatherItems', () => {
    const { calls, commit } = controlledCommit();
    const committer = gatheringCommitter(commit, 3);
    void committer.submit(['a']);
    void committer.submit(['b']);
    void committer.submit(['c']);
    expect(calls.map((call) => call.items)).toEqual([['a']]);
    void committer.submit(['d']);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('keeps a group gathering when an earlier commit finishes before the group is due', async () => {
    const { calls, commit } = controlledCommit();
    const committer = gatheringCommitter(commit);
    const first = committer.submit(['a']);
    void committer.submit(['b']);
    calls[0]?.finish();
    await first;
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    expect(calls.map((call) => call.items)).toEqual([['a'], ['b']]);
  });

  it('commits every submission once, in order, no later than gatherMs after it arrived while a slot is free', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gapMs: fc.integer({ min: 0, max: 6 }),
            size: fc.integer({ min: 1, max: 4 }),
          }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.integer({ min: 1, max: 12 }),
        async (arrivals, gatherItems) => {
          vi.setSystemTime(0);
          const committed: { items: string[]; at: number }[] = [];
          const committer = gatheringCommitter((items) => {
            committed.push({ items, at: Date.now() });
            return Promise.resolve(items.map((item) => `ok:${item}`));
          }, gatherItems);
          const submitted: { items: string[]; at: number; result: Promise<string[]> }[] = [];
          for (const [index, arrival] of arrivals.entries()) {
            await vi.advanceTimersByTimeAsync(arrival.gapMs);
            const items = Array.from(
              { length: arrival.size },
              (_, n) => `${String(index)}.${String(n)}`,
            );
            submitted.push({ items, at: Date.now(), result: committer.submit(items) });
          }
          await vi.advanceTimersByTimeAsync(GATHER_MS);
          expect(committed.flatMap((commit) => commit.items)).toEqual(
            submitted.flatMap((submission) => submission.items),
          );
          for (const submission of submitted) {
            await expect(submission.result).resolves.toEqual(
              submission.items.map((item) => `ok:${item}`),
            );
            const holding = committed.find((commit) =>
              commit.items.includes(submission.items[0] ?? ''),
            );
            expect(holding?.at, `submission at ${String(submission.at)} ms`).toBeLessThanOrEqual(
              submission.at + GATHER_MS,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
