import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

const envFor = (db: string) => ({
  ...process.env,
  TOLLGATE_DB: db,
  TOLLGATE_ADMIN_TOKEN: "cli-test-admin-token-123",
  TOLLGATE_CONFIG: "",
});

/** The real CLI process on a fresh database; the password arrives on stdin, never in argv. */
async function cli(db: string, args: string[], stdin = "") {
  const proc = Bun.spawn([process.execPath, "server/cli/main.ts", "admins", ...args], {
    cwd: root,
    env: envFor(db),
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

/**
 * The interactive prompt on a real terminal (a PTY): both prompts are answered, nothing
 * typed is echoed, and the user exists afterwards. (Ending a `for await` over stdin after
 * the first prompt used to destroy stdin: the second prompt failed and keys echoed.)
 */
test("tollgate admins create asks twice on a terminal without echoing the password", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "tollgate-cli-")), "t.db");
  let screen = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const seen = (text: string) =>
    new Promise<void>((resolve) => {
      if (screen.includes(text)) resolve();
      else waiters.push({ text, resolve });
    });
  const proc = Bun.spawn(
    [process.execPath, "server/cli/main.ts", "admins", "create", "--username", "carol"],
    {
      cwd: root,
      env: envFor(db),
      terminal: {
        data: (_t, data) => {
          screen += new TextDecoder().decode(data);
          for (const w of waiters.filter((x) => screen.includes(x.text))) w.resolve();
        },
      },
    },
  );
  await seen("Password: ");
  proc.terminal!.write("terminal-secret-123\r");
  await seen("Repeat password: ");
  proc.terminal!.write("terminal-secret-123\r");
  expect(await proc.exited).toBe(0);
  await seen("Created admin user carol");
  proc.terminal!.close();
  expect(screen).not.toContain("terminal-secret");
  expect(screen).not.toContain("aborted");
  const list = await cli(db, ["list", "--json"]);
  expect(JSON.parse(list.out).map((u: { username: string }) => u.username)).toEqual(["carol"]);
});
