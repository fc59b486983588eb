/**
 * Group commit: work submitted while a commit is running waits and is committed together in the
 * next one, so under load one transaction (one WAL flush) serves many concurrent requests. Each
 * caller's promise settles only after the commit that holds its items, which is what lets the
 * webhook acknowledge an alert only once it is durable.
 *
 * Under a steady stream a free commit slot alone makes small groups: what arrived during one
 * round trip. So while submissions keep arriving less than `gatherMs` apart, a group also waits
 * up to `gatherMs` (or until it holds `gatherItems`) for more to join it. A submission after a
 * quiet spell is committed at once: a lone request never waits. This is PostgreSQL's own
 * `commit_delay`, which only delays when `commit_siblings` other transactions are active
 * (https://www.postgresql.org/docs/current/runtime-config-wal.html#GUC-COMMIT-DELAY), here
 * judged by how recently the previous submission arrived.
 */
interface Submission<Item, Result> {
  items: Item[];
  /** When it is committed if a slot is free: on arrival, or once it has gathered others. */
  dueAt: number;
  resolve: (results: Result[]) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** The most items in one commit (a single larger submission still goes alone). */
  maxItems: number;
  /** Commits that may run at once. */
  maxInFlight: number;
  /** How long a group may wait for more while submissions keep coming; 0 never waits. */
  gatherMs?: number;
  /** A waiting group this large is committed without waiting longer. */
  gatherItems?: number;
  /** The clock, in ms; tests pass a fake one. */
  now?: () => number;
}

export class GroupCommitter<Item, Result> {
  #waiting: Submission<Item, Result>[] = [];
  #waitingItems = 0;
  #inFlight = 0;
  #lastArrival = Number.NEGATIVE_INFINITY;
  #gatherTimer: NodeJS.Timeout | undefined;
  readonly #gatherMs: number;
  readonly #gatherItems: number;
  readonly #now: () => number;

  constructor(
    /** Commits the items of several callers in one transaction; returns one result per item, in order. */
    private readonly commit: (items: Item[]) => Promise<Result[]>,
    private readonly options: GroupCommitOptions,
  ) {
    this.#gatherMs = options.gatherMs ?? 0;
    this.#gatherItems = options.gatherItems ?? options.maxItems;
    this.#now = options.now ?? (() => performance.now());
  }

  submit(items: Item[]): Promise<Result[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const now = this.#now();
      const afterQuietSpell = now - this.#lastArrival >= this.#gatherMs;
      this.#lastArrival = now;
      const dueAt = afterQuietSpell ? now : now + this.#gatherMs;
      this.#waiting.push({ items, dueAt, resolve, reject });
      this.#waitingItems += items.length;
      this.#dispatch(false);
    });
  }

  /** Items waiting for a commit; exposed for metrics. */
  get backlog(): number {
    return this.#waitingItems;
  }

  /**
   * Starts the commits that are due and, if a group is left gathering, a timer for when it is.
   * `timeUp` is the timer's own call: Node's millisecond timers may fire a fraction early. The
   * timer is for the oldest waiting submission, so a submission that joins a gathering group
   * leaves it as it is; only a drain, which changes the oldest, sets it again.
   */
  #dispatch(timeUp: boolean): void {
    const oldest = this.#waiting[0];
    if (oldest === undefined) return;
    if (timeUp || oldest.dueAt <= this.#now() || this.#waitingItems >= this.#gatherItems) {
      clearTimeout(this.#gatherTimer);
      this.#gatherTimer = undefined;
      this.#drain();
    }
    const left = this.#waiting[0];
    // With every slot busy, the next commit to finish dispatches again.
    if (
      left !== undefined &&
      this.#gatherTimer === undefined &&
      this.#inFlight < this.options.maxInFlight
    ) {
      this.#gatherTimer = setTimeout(
        () => {
          this.#gatherTimer = undefined;
          this.#dispatch(true);
        },
        Math.max(0, left.dueAt - this.#now()),
      );
    }
  }

  #drain(): void {
    while (this.#inFlight < this.options.maxInFlight && this.#waiting.length > 0) {
      // Take whole submissions up to maxItems (a single oversized submission still goes alone).
      const group: Submission<Item, Result>[] = [];
      let count = 0;
      while (this.#waiting.length > 0) {
        const next = this.#waiting[0];
        if (
          next === undefined ||
          (group.length > 0 && count + next.items.length > this.options.maxItems)
        )
          break;
        group.push(next);
        count += next.items.length;
        this.#waiting.shift();
      }
      this.#waitingItems -= count;
      this.#inFlight += 1;
      void this.#run(group).finally(() => {
        this.#inFlight -= 1;
        this.#dispatch(false);
      });
    }
  }

  async #run(group: Submission<Item, Result>[]): Promise<void> {
    try {
      const results = await this.commit(group.flatMap((entry) => entry.items));
      let offset = 0;
      for (const entry of group) {
        entry.resolve(results.slice(offset, offset + entry.items.length));
        offset += entry.items.length;
      }
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      // One caller's items must not fail the others': commit each submission on its own.
      await Promise.all(
        group.map(async (entry) => {
          try {
            entry.resolve(await this.commit(entry.items));
          } catch (own) {
            entry.reject(own);
          }
        }),
      );
    }
  }
}
