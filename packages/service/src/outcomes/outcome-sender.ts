import type { AlertOutcome } from '@mastercom/contracts';

/** What Ethoca said about one alert of a batch. */
export interface AlertOutcomeResult {
  status: 'SUCCESS' | 'FAILURE';
  /** Ethoca marks each error recoverable or not; a recoverable failure is retried. */
  recoverable: boolean;
  /** Ethoca already holds a final outcome for this alert: ours (sent before a crash) counts as sent. */
  alreadyRecorded: boolean;
  description: string;
}

export type SendResult =
  /** The call got per-alert answers. */
  | { kind: 'answered'; results: ReadonlyMap<string, AlertOutcomeResult> }
  /** Nothing is known about the batch (timeout, reset, 429, 5xx, 401): send it again later. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** Ethoca refused the whole request as invalid (400): sending it again cannot help. */
  | { kind: 'rejected'; reason: string };

/** The Outcome API, as the dispatcher needs it; the HTTP client implements it. */
export interface OutcomeSender {
  send(outcomes: readonly AlertOutcome[]): Promise<SendResult>;
}
