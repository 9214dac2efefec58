/**
 * The database holds balances, key hashes and sealed provider secrets: it, its -wal and
 * -shm files and every backup are readable by their owner only, like secret.key.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backupDatabase } from "../../db/maintenance.ts";
import { standardConfig, TestGateway } from "../testing/harness.ts";

const mode = (file: string) => statSync(file).mode & 0o777;

describe("file modes", () => {
  for (const writer of ["inline", "thread"])
    test(`a new database, its -wal and -shm and a backup are 0600 (${writer} writer)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "tollgate-modes-"));
      const previous = process.umask(0o022);
      try {
        // About SQLite's files: on SQLite whatever engine the suite runs on.
        const tg = await TestGateway.start({
          engine: "sqlite",
          dir,
          config: standardConfig("http://127.0.0.1:9"),
          env: { TOLLGATE_WRITER: writer },
        });
        await tg.client(1); // a few writes: the WAL exists and holds pages
        const db = join(dir, "tollgate.db");
        for (const file of [db, `${db}-wal`, `${db}-shm`, join(dir, "secret.key")]) {
          expect(existsSync(file)).toBe(true);
          expect({ file, mode: mode(file).toString(8) }).toEqual({ file, mode: "600" });
        }
        backupDatabase(db, join(dir, "backups", "copy.db"));
        expect(mode(join(dir, "backups", "copy.db")).toString(8)).toBe("600");
        backupDatabase(db, join(dir, "backups", "copy.db"), { force: true });
        expect(mode(join(dir, "backups", "copy.db")).toString(8)).toBe("600");
        await tg.stop();
      } finally {
        process.umask(previous);
      }
    });

  test("a database left world-readable by an earlier version is narrowed to 0600 at start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tollgate-modes-"));
    const db = join(dir, "tollgate.db");
    const first = await TestGateway.start({
      engine: "sqlite",
      dir,
      config: standardConfig("http://127.0.0.1:9"),
    });
    await first.client(1);
    await first.stop();
    for (const file of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(file)) chmodSync(file, 0o644);
    const again = await TestGateway.start({
      engine: "sqlite",
      dir,
      config: standardConfig("http://127.0.0.1:9"),
    });
    for (const file of [db, `${db}-wal`, `${db}-shm`])
      if (existsSync(file)) expect({ file, mode: mode(file).toString(8) }).toEqual({ file, mode: "600" });
    await again.stop();
  });
});
