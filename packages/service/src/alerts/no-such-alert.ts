import type { Response } from 'express';
import { sendProblem } from '../platform/http/problem-details.js';

/** The 404 of every route that names an alert: the id as asked for, cut short and quoted. */
export function sendNoSuchAlert(res: Response, alertId: string): void {
  sendProblem(res, 404, 'Not found', `no alert with id ${JSON.stringify(alertId.slice(0, 64))}`);
}
