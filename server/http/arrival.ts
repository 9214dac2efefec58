import { Elysia, type PreContext } from "elysia";

/**
 * What a request must wait for as it arrives, before routing: a promise when there is
 * something (a cache reload under way, a signed token to verify, an admin's credentials),
 * undefined when there is nothing, which is nearly always.
 */
export type ArrivalWait = (request: Request, server: PreContext["server"]) => Promise<unknown> | undefined;

/** A wait's rejection, kept until the request's own hook throws it (below). */
const refused = new WeakMap<Request, unknown>();

/**
 * An arrival check that only sometimes has to wait. As an async onRequest hook it would
 * cost every request an async call and an `await`, and make Elysia's whole request handler
 * async (issue 16: 0.8 µs per request, bench/handler-cost.ts, docs/performance.md).
 * So the wait wraps the app's handler instead and holds the request back only when it
 * returns a promise. A rejection is not answered there (there is no route context yet): it is
 * kept and thrown by this plugin's own onRequest hook, in the order the hooks are used, so
 * the app's error hook renders it in the route's shape as before.
 */
export function arrivalWait(name: string, wait: ArrivalWait) {
  const plugin = new Elysia({ name });
  // The app's server once the plugin is used, as Elysia's request context has it (its
  // `server` getter calls the same method, which Elysia's types keep private).
  const server = () => (plugin as unknown as { getServer(): PreContext["server"] }).getServer();
  const handler = waitingHandler((request) => wait(request, server()));
  return plugin.wrap(handler as Parameters<Elysia["wrap"]>[0]).onRequest(
    syncHook(({ request }) => {
      const error = refused.get(request);
      if (error === undefined) return;
      refused.delete(request);
      throw error;
    }),
  );
}

type Handler = (request: Request) => unknown;
type Wait = (request: Request) => Promise<unknown> | undefined;
/** A handler wrapped by this module: its waits, in the order the plugins were used, and the handler under them all. */
type Waiting = Handler & { waits?: readonly Wait[]; base?: Handler };

/**
 * Elysia calls a wrapper with the handler of the request's route on every request, the
 * first plugin's wrapper innermost: each route's wrapped handler is built once, and a
 * wrapper around another of these takes its waits over, so that they run in the order the
 * plugins were used (the cache sync before the checks that read the caches).
 */
function waitingHandler(wait: Wait): (handle: Handler, request: Request) => Handler {
  const wrapped = new WeakMap<Handler, Handler>();
  return (handle) => {
    let outer = wrapped.get(handle);
    if (outer) return outer;
    const inner = handle as Waiting;
    const waits = [...(inner.waits ?? []), wait];
    const base = inner.base ?? handle;
    outer = Object.assign((request: Request) => afterWaits(waits, 0, request, base), { waits, base });
    wrapped.set(handle, outer);
    return outer;
  };
}

/** Runs the waits from `from` on, one after the other, then the handler; the first refusal stops the rest. */
function afterWaits(waits: readonly Wait[], from: number, request: Request, base: Handler): unknown {
  for (let i = from; i < waits.length; i++) {
    let pending: Promise<unknown> | undefined;
    try {
      pending = waits[i]!(request);
    } catch (error) {
      pending = Promise.reject(error);
    }
    if (pending === undefined) continue;
    return pending.then(
      () => afterWaits(waits, i + 1, request, base),
      (error: unknown) => {
        refused.set(request, error ?? new Error("arrival wait failed"));
        return base(request);
      },
    );
  }
  return base(request);
}

/**
 * An onRequest hook Elysia calls without `await`. Elysia guesses from a hook's source
 * whether it is async, and any `return f(...)` reads as async to it: that one guess makes
 * the whole request handler async. A hook that returns a Response or nothing says so here.
 */
export function syncHook(
  fn: (context: PreContext) => Response | undefined,
): (context: PreContext) => Response | undefined {
  return { fn, isAsync: false, hasReturn: true } as unknown as typeof fn;
}
