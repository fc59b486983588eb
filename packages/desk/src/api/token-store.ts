// The agent's token lives in this tab's sessionStorage: gone when the tab closes, never in a URL
// (which lands in history, logs and Referer headers) and never in localStorage (shared by tabs).
const KEY = 'mastercom-desk-token';

export interface TokenStore {
  read(): string | undefined;
  write(token: string): void;
  clear(): void;
}

export function sessionTokenStore(storage: Storage = window.sessionStorage): TokenStore {
  return {
    read: () => storage.getItem(KEY) ?? undefined,
    write: (token) => {
      storage.setItem(KEY, token);
    },
    clear: () => {
      storage.removeItem(KEY);
    },
  };
}
