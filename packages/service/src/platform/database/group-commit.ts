/**
 * Group commit: work submitted while a commit is running waits and is committed together in the
 * next one, so under load one transaction (one WAL flush) serves many concurrent requests while a
 * lone request is committed at once, without an artificial delay. Each caller's promise settles
 * only after the commit that holds its items, which is what lets the webhook acknowledge an alert
 * only once it is durable.
 */
interface Submission<Item, Result> {
  items: Item[];
  resolve: (results: Result[]) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter<Item, Result> {
  #waiting: Submission<Item, Result>[] = [];
  #waitingItems = 0;
  #inFlight = 0;

  constructor(
    /** Commits the items of several callers in one transaction; returns one result per item, in order. */
    private readonly commit: (items: Item[]) => Promise<Result[]>,
    private readonly options: { maxItems: number; maxInFlight: number },
  ) {}

  submit(items: Item[]): Promise<Result[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ items, resolve, reject });
      this.#waitingItems += items.length;
      this.#drain();
    });
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
        this.#drain();
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

  /** Items waiting for a commit slot; exposed for metrics. */
  get backlog(): number {
    return this.#waitingItems;
  }
}
