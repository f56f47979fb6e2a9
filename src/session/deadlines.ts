/**
 * The deadlines of one session: the four budgets, the wait for a step of the server's handshake,
 * and the wait for a close handshake we started.
 */
export type DeadlineName = 'connect' | 'firstEvent' | 'total' | 'grace' | 'handshake' | 'closeWait';

/** A session's named timers, so that ending the session can stop every one of them. */
export interface Deadlines {
  /** Calls `onExpire` after `ms` milliseconds unless cleared first; replaces a pending one of that name. */
  set(name: DeadlineName, ms: number, onExpire: () => void): void;
  /** Stops one deadline; nothing happens when it is not pending. */
  clear(name: DeadlineName): void;
  /** Stops every deadline. */
  clearAll(): void;
}

// How long a close handshake we started may take before the socket is destroyed instead.
const CLOSE_WAIT_MS = 1_000;
// Even at the end of the budget, a moment for the server's close frame.
const MIN_CLOSE_WAIT_MS = 100;

/** Creates the deadlines of one session, none of them pending. */
export function createDeadlines(): Deadlines {
  const timers = new Map<DeadlineName, NodeJS.Timeout>();
  const clear = (name: DeadlineName): void => {
    clearTimeout(timers.get(name));
    timers.delete(name);
  };
  return {
    set(name, ms, onExpire) {
      clear(name);
      timers.set(name, setTimeout(onExpire, ms));
    },
    clear,
    clearAll() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

/**
 * Milliseconds to wait for the close handshake we started: within `leftMs`, what is left of the
 * total budget (null before the trigger), so a server that ignores our close frame cannot stretch
 * the run past --timeout by more than a moment.
 */
export function closeWaitMs(leftMs: number | null): number {
  if (leftMs === null) return CLOSE_WAIT_MS;
  return Math.min(CLOSE_WAIT_MS, Math.max(MIN_CLOSE_WAIT_MS, leftMs));
}
