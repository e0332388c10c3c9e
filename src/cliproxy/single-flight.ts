// Joins concurrent identical reads. During an incident many people run /auth-status at once; with a slow
// proxy each command used to queue its own calls (and hold their memory) for seconds. A caller joins the
// read of the same key that is in flight, if any, else starts one; results are never kept after the read
// ends, so an answer is never older than one read of the proxy, and one key has at most one read in flight.
export function singleFlight<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key) => {
    const current = inFlight.get(key);
    if (current) return current;
    const result = read(key);
    inFlight.set(key, result);
    const forget = () => {
      if (inFlight.get(key) === result) inFlight.delete(key);
    };
    result.then(forget, forget);
    return result;
  };
}
