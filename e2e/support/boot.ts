/**
 * Started by the Playwright fixture (which runs under Node) with node_modules/.bin/bun:
 * the mock upstream and a fresh gateway on loopback, port 0, empty database in a temp
 * folder, the built admin panel. Prints one JSON line with the URLs and the admin token,
 * then runs until it gets SIGTERM or its stdin closes (the test runner went away).
 * With `--fresh`: a first run instead (no config file, no provider, no admin user).
 */
import { rmSync } from "node:fs";
import { buildAdmin } from "../../scripts/build-admin.ts";
import { ADMIN_TOKEN, PROVIDER_SECRET, standardConfig, TestGateway } from "../../server/testing/harness.ts";
import { MockOpenAI } from "../../server/testing/mock-openai.ts";

export type Booted = {
  url: string;
  mockUrl: string;
  adminToken: string;
  username: string;
  password: string;
  /** The mock provider's API key: no page and no log may ever show it. */
  providerSecret: string;
};

export const E2E_ADMIN = { username: "admin", password: "e2e-password-123" };

await buildAdmin({ quiet: true });
const mock = new MockOpenAI().start();
// A few more than the routes use: the panel lists them to pick from.
mock.listed = ["mock-model", "mock-large", "mock-mini"];
const tg = process.argv.includes("--fresh")
  ? await TestGateway.start()
  : await TestGateway.start({
      // The request-detail test reads x-tollgate-route, which answers carry only when turned on.
      config: standardConfig(mock.url, "routing: { expose_route_headers: true }\n"),
      env: { TOLLGATE_ADMIN_USER: E2E_ADMIN.username, TOLLGATE_ADMIN_PASSWORD: E2E_ADMIN.password },
    });
const booted: Booted = {
  url: tg.url,
  mockUrl: mock.url,
  adminToken: ADMIN_TOKEN,
  providerSecret: PROVIDER_SECRET,
  ...E2E_ADMIN,
};
console.log(JSON.stringify(booted));

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await tg.stop();
  mock.stop();
  rmSync(tg.dir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
(async () => {
  for await (const _ of Bun.stdin.stream()) {
    // nothing is sent; the loop ends when the parent closes the pipe
  }
  await stop();
})();
