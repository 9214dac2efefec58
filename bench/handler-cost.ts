/**
 * `bun bench/handler-cost.ts [--tree=<source tree>] [--path=/health] [--n=30000]`: CPU per
 * request of the app's compiled route handler for one GET route, called in process (no
 * socket, no load generator): what the arrival hooks, Elysia's context and the route cost,
 * steady enough to compare trees on a busy machine where bench/ab.ts moves by 10% (issue 16:
 * the arrival hooks' `await`). Prints the median and minimum of 5 rounds, in µs per request.
 */
import { resolve } from "node:path";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const tree = resolve(arg("tree") ?? ".");
const path = arg("path") ?? "/health";
const n = Number(arg("n") ?? 30000);

const { TestGateway } = await import(`${tree}/server/testing/harness.ts`);
const { createBunRouteHandler } = await import(`${tree}/node_modules/elysia/dist/adapter/bun/compose.mjs`);
const g = await TestGateway.start();
type Route = { path: string; method: string };
const app = g.running.app as { router: { history: Route[] } };
const route = app.router.history.find((r) => r.path === path && r.method === "GET");
if (!route) throw new Error(`no GET ${path}`);
// The handler Bun.serve runs for this route (Elysia hands these to its native router).
const handle = createBunRouteHandler(app, route) as (r: Request) => Response | Promise<Response>;
const request = () => new Request(`http://127.0.0.1${path}`, { headers: { host: "127.0.0.1" } });

let status = 0;
/** One request; awaited only when the handler answered with a promise (an async handler). */
const once = async () => {
  const answer = handle(request());
  return answer instanceof Promise ? await answer : answer;
};
for (let i = 0; i < 3000; i++) status = (await once()).status;
const rounds: number[] = [];
for (let k = 0; k < 5; k++) {
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const answer = handle(request());
    if (answer instanceof Promise) await answer;
  }
  const used = process.cpuUsage(cpu);
  rounds.push((used.user + used.system) / n);
}
rounds.sort((a, b) => a - b);
console.log(
  `${tree} GET ${path} (${status}): ${rounds[2]!.toFixed(2)} µs per request (median of 5), min ${rounds[0]!.toFixed(2)}`,
);
await g.running.stop(100);
process.exit(0);
