// Joins concurrent identical reads: a call whose key matches a read started less than `joinWithinMs` ago
// shares that read's result instead of starting another. During an incident many people run /auth-status
// at once; with a slow proxy each command used to queue its own calls (and hold their memory) for seconds.
// Only reads that *started* moments ago are joined, so an answer is never older than the caller allows.
export interface SingleFlightOptions {
  joinWithinMs: number;
  now: () => number;
}

export function singleFlight<T>(
  read: (key: string) => Promise<T>,
  options: SingleFlightOptions,
): (key: string) => Promise<T> {
  const inFlight = new Map<string, { startedAt: number; result: Promise<T> }>();
  return (key) => {
    const current = inFlight.get(key);
    if (current && options.now() - current.startedAt < options.joinWithinMs) return current.result;
    const entry = { startedAt: options.now(), result: read(key) };
    inFlight.set(key, entry);
    const forget = () => {
      if (inFlight.get(key) === entry) inFlight.delete(key);
    };
    entry.result.then(forget, forget);
    return entry.result;
  };
}
