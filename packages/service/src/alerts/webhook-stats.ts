/**
 * What this process's webhook has seen since it started. Counts are per process (each replica
 * reports its own, and Datadog sums the metrics); the last receipt time comes from the database.
 */
export class WebhookStats {
  accepted = 0;
  duplicate = 0;
  rejected = 0;
  /** Deliveries answered 503 at once because `inFlight` was at the limit. */
  shed = 0;
  /** Deliveries being worked on now. */
  inFlight = 0;

  record(result: { accepted: number; duplicate: number; rejected: number }): void {
    this.accepted += result.accepted;
    this.duplicate += result.duplicate;
    this.rejected += result.rejected;
  }
}
