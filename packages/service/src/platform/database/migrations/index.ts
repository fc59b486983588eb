import type { Migration } from 'kysely/migration';
import * as alerts from './0001-alerts.js';
import * as processing from './0002-processing.js';
import * as mastercom from './0003-mastercom.js';
import * as refundReservations from './0004-refund-reservations.js';
import * as alertArrivalStatus from './0005-alert-arrival-status.js';
import * as deskQueueIndex from './0006-desk-queue-index.js';
import * as alertLinkIndexes from './0007-alert-link-indexes.js';

/**
 * Every migration, in order. Listed statically rather than read from a folder so the built
 * service and the tests run exactly the same set, whatever the working directory.
 */
export const migrations: Record<string, Migration> = {
  '0001-alerts': alerts,
  '0002-processing': processing,
  '0003-mastercom': mastercom,
  '0004-refund-reservations': refundReservations,
  '0005-alert-arrival-status': alertArrivalStatus,
  '0006-desk-queue-index': deskQueueIndex,
  '0007-alert-link-indexes': alertLinkIndexes,
};
