/**
 * Resolves or rejects like `work`, but rejects with `message` once `ms` have passed. The timer
 * never keeps the process alive, and `onTimeout` lets the caller stop whatever is still running.
 */
export async function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  message: () => string,
  onTimeout?: () => Promise<void>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const stopping = onTimeout ? onTimeout().catch(() => undefined) : Promise.resolve();
      void stopping.then(() => {
        reject(new Error(message()));
      });
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
