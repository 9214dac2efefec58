import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

/** The real CLI process on a fresh database; the password arrives on stdin, never in argv. */
async function cli(db: string, args: string[], stdin = "") {
  const proc = Bun.spawn([process.execPath, "server/cli/main.ts", "admins", ...args], {
    cwd: root,
    env: {
      ...process.env,
      TOLLGATE_DB: db,
      TOLLGATE_ADMIN_TOKEN: "cli-test-admin-token-123",
      TOLLGATE_CONFIG: "",
    },
    stdin: new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { out, err, code };
}

test("tollgate admins create / list / delete", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "tollgate-cli-")), "t.db");
  const made = await cli(
    db,
    ["create", "--username", "alice", "--password-stdin", "--json"],
    "a long enough pw\n",
  );
  expect(made.code).toBe(0);
  expect(JSON.parse(made.out)).toMatchObject({ username: "alice" });
  const short = await cli(db, ["create", "--username", "bob", "--password-stdin"], "short\n");
  expect(short.code).toBe(1);
  expect(short.err).toContain("at least 10 characters");
  const list = await cli(db, ["list", "--json"]);
  expect(JSON.parse(list.out).map((u: { username: string }) => u.username)).toEqual(["alice"]);
  expect((await cli(db, ["delete", "alice"])).out).toContain("Deleted admin user alice");
  expect(JSON.parse((await cli(db, ["list", "--json"])).out)).toEqual([]);
});
