export {
  ALERT_MOVES,
  ARRIVAL_STATUS,
  alertMove,
  canMove,
  IllegalTransitionError,
  type Actor,
  type AlertMove,
} from './alert-moves.js';
export { moveAlert, illegalTransitionFrom, type MoveInput } from './move-alert.js';
export {
  alertArrivalEvents,
  alertMovesCtes,
  type AlertMovesOptions,
  type AlertPath,
  type AlertStep,
} from './alert-moves-sql.js';
export { noteAlertEvent } from './alert-notes.js';
