/**
 * Tracks the process shutdown: readiness turns false the moment shutdown begins, before the
 * listener closes, so a load balancer stops sending traffic while in-flight requests finish.
 */
export class ShutdownState {
  #shuttingDown = false;

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  beginShutdown(): void {
    this.#shuttingDown = true;
  }
}
