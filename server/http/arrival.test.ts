import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { arrivalWait } from "./arrival.ts";

const served = (app: { handle(r: Request): Promise<Response> }) => (path: string) =>
  app.handle(new Request(`http://localhost${path}`));

describe("arrivalWait", () => {
  test("the route runs after the wait, and only waits when there is something to wait for", async () => {
    const seen: string[] = [];
    const app = new Elysia()
      .use(
        arrivalWait("test-wait", (request) => {
          if (!request.url.endsWith("/slow")) return undefined;
          return Bun.sleep(5).then(() => {
            seen.push("waited");
          });
        }),
      )
      .get("/slow", () => {
        seen.push("route");
        return "slow";
      })
      .get("/fast", () => "fast");
    const get = served(app);
    expect(await (await get("/slow")).text()).toBe("slow");
    expect(seen).toEqual(["waited", "route"]);
    // Nothing to wait for: the app answers without a promise in between.
    expect(app.fetch(new Request("http://localhost/fast"))).toBeInstanceOf(Response);
  });

  test("waits run one after the other in the order their plugins were used; a refusal stops the rest", async () => {
    const seen: string[] = [];
    const step = (name: string, fail = false) =>
      arrivalWait(`test-${name}`, (request) =>
        request.url.endsWith("/quick")
          ? undefined
          : Bun.sleep(name === "first" ? 10 : 1).then(() => {
              seen.push(name);
              if (fail && request.url.endsWith("/refuse")) throw new Error(`${name} refused`);
            }),
      );
    const app = new Elysia()
      .onError(({ error }) => new Response((error as Error).message, { status: 403 }))
      .use(step("first"))
      .use(step("second", true))
      .use(step("third"))
      .get("/go", () => "went")
      .get("/refuse", () => "went")
      .get("/quick", () => "quick");
    const get = served(app);
    expect(await (await get("/go")).text()).toBe("went");
    expect(seen).toEqual(["first", "second", "third"]);
    seen.length = 0;
    const refused = await get("/refuse");
    expect([refused.status, await refused.text()]).toEqual([403, "second refused"]);
    expect(seen).toEqual(["first", "second"]);
    expect(app.fetch(new Request("http://localhost/quick"))).toBeInstanceOf(Response);
  });

  test("a wait that throws is answered by the app's error hook too", async () => {
    const app = new Elysia()
      .onError(({ error }) => new Response(`refused: ${(error as Error).message}`, { status: 401 }))
      .use(
        arrivalWait("test-throw", () => {
          throw new Error("bad header");
        }),
      )
      .get("/any", () => "reached");
    const refused = await served(app)("/any");
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe("refused: bad header");
  });

  test("a rejected wait is answered by the app's error hook, once", async () => {
    const app = new Elysia()
      .onError(({ error }) => new Response(`refused: ${(error as Error).message}`, { status: 401 }))
      .use(
        arrivalWait("test-refuse", (request) =>
          request.url.endsWith("/guarded") ? Promise.reject(new Error("no credentials")) : undefined,
        ),
      )
      .get("/guarded", () => "secret")
      .get("/open", () => "open");
    const get = served(app);
    const refused = await get("/guarded");
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe("refused: no credentials");
    expect(await (await get("/open")).text()).toBe("open");
  });
});
