import { deadlineBucket, OUTCOME_DEADLINE_MS, type DeskQueueItem } from '@mastercom/contracts';

/** Where an alert received at `receivedAt` stands against Ethoca's 24 h window at `now`. */
export function alertDeadline(
  receivedAt: Date,
  now: Date,
): Pick<DeskQueueItem, 'deadlineAt' | 'deadlineBucket'> {
  return {
    deadlineAt: new Date(receivedAt.getTime() + OUTCOME_DEADLINE_MS).toISOString(),
    deadlineBucket: deadlineBucket(now.getTime() - receivedAt.getTime()),
  };
}
