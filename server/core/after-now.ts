/**
 * `run` shared by calls that arrive together, each still getting a run that began after
 * it was called (one already reading may have read before the row its caller looks for was
 * written). The first call starts a run; calls during it share one more run after it. A
 * burst of misses costs at most two runs at a time, not one each.
 */
export function afterNow(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    running = run().finally(() => {
      running = null;
    });
    return running;
  };
  return () => {
    if (!running) return start();
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
}
