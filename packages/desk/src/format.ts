/** How long until Ethoca's deadline, or how long past it, in hours and minutes. */
export function timeLeft(deadlineAt: string, now: Date): string {
  const ms = Date.parse(deadlineAt) - now.getTime();
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const text = `${String(Math.floor(minutes / 60))} h ${String(minutes % 60).padStart(2, '0')} min`;
  return ms >= 0 ? `${text} left` : `overdue by ${text}`;
}

export const BUCKET_LABELS: Readonly<Record<string, string>> = {
  ok: 'Under 12 h old',
  warning: 'Over 12 h old',
  critical: 'Over 20 h old',
  overdue: 'Past 24 h',
};

export function money(amount: { value: number | string; currencyCode: string }): string {
  return `${String(amount.value)} ${amount.currencyCode}`;
}

/** An instant in the agent's own time zone, to the minute. */
export function when(iso: string | null): string {
  if (iso === null) return '—';
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
