// Joins concurrent identical reads. During an incident many people run /auth-status at once; with a slow
// proxy each command used to queue its own calls (and hold their memory) for seconds.
//   - a read that started less than `joinWithinMs` ago is shared as it is;
//   - a caller arriving while an older read is still running waits for one follow-up read that starts
//     when that one ends (shared by everyone arriving meanwhile), so no answer predates its question by
//     more than joinWithinMs, and a slow proxy never has more than two reads of one key in flight.
export interface SingleFlightOptions {
  joinWithinMs: number;
  now: () => number;
}

interface KeyState<T> {
  current?: { startedAt: number; result: Promise<T> } | undefined;
  next?: Promise<T> | undefined;
}

export function singleFlight<T>(
  read: (key: string) => Promise<T>,
  options: SingleFlightOptions,
): (key: string) => Promise<T> {
  const states = new Map<string, KeyState<T>>();

  const start = (key: string, state: KeyState<T>): Promise<T> => {
    const entry = { startedAt: options.now(), result: read(key) };
    state.current = entry;
    const forget = () => {
      if (state.current === entry) state.current = undefined;
      if (!state.current && !state.next) states.delete(key);
    };
    entry.result.then(forget, forget);
    return entry.result;
  };

  return (key) => {
    const state = states.get(key) ?? {};
    states.set(key, state);
    const current = state.current;
    if (!current) return start(key, state);
    if (options.now() - current.startedAt < options.joinWithinMs) return current.result;
    if (!state.next) {
      const settled = current.result.then(
        () => undefined,
        () => undefined,
      );
      state.next = settled.then(() => {
        state.next = undefined;
        return start(key, state);
      });
    }
    return state.next;
  };
}
