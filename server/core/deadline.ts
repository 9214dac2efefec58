/**
 * `p`, or a rejection with `message` once `ms` have passed, for a call to a server that may
 * stop answering without closing anything (Redis, PostgreSQL). The timer is cleared either
 * way, and `p` losing the race later does not surface as an unhandled rejection.
 */
export function withDeadline<T>(
  p: Promise<T>,
  ms: number,
  message = `no answer within ${ms} ms`,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  p.catch(() => {});
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
