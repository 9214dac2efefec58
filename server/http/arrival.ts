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

/**
 * Elysia calls a wrapper with the handler of the request's route on every request: each
 * route's wrapped handler is built once.
 */
function waitingHandler(
  wait: (request: Request) => Promise<unknown> | undefined,
): (handle: Handler, request: Request) => Handler {
  const wrapped = new WeakMap<Handler, Handler>();
  return (handle) => {
    let outer = wrapped.get(handle);
    if (outer) return outer;
    outer = (request) => {
      let pending: Promise<unknown> | undefined;
      try {
        pending = wait(request);
      } catch (error) {
        pending = Promise.reject(error);
      }
      if (pending === undefined) return handle(request);
      return pending.then(
        () => handle(request),
        (error: unknown) => {
          refused.set(request, error ?? new Error("arrival wait failed"));
          return handle(request);
        },
      );
    };
    wrapped.set(handle, outer);
    return outer;
  };
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
