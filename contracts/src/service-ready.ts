// The one signal that the service is ready, for every process that starts it (the development
// stack, the test harness, the bench): an IPC message sent once the server listens and the
// database, queue and roles are up. The port is in it because launchers start the service on
// port 0; the human start line in the log is for people and is never parsed.
export const SERVICE_READY = 'mastercom-service:ready';

export interface ServiceReadyMessage {
  readonly type: typeof SERVICE_READY;
  /** `http://127.0.0.1:PORT` or `https://...`: where the service answers. */
  readonly url: string;
  readonly port: number;
  readonly role: string;
  readonly version: string;
}

export function isServiceReadyMessage(message: unknown): message is ServiceReadyMessage {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Partial<ServiceReadyMessage>;
  return (
    candidate.type === SERVICE_READY &&
    typeof candidate.url === 'string' &&
    typeof candidate.port === 'number' &&
    Number.isInteger(candidate.port) &&
    candidate.port > 0
  );
}
