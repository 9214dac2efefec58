/** The single-file build (`dist/tollgate`), when one exists: its size, start-up and idle memory. */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { memory } from "./proc-stats.ts";
import { freePort, startService } from "./services.ts";
import { tollgateConfig, tollgateEnv } from "./targets.ts";

export const BINARY = join(import.meta.dir, "../dist/tollgate");

export type BinaryFigures = { sizeMb: number; startupMs: number; idleRssMb: number };

export async function measureBinary(dir: string, mockPort: number): Promise<BinaryFigures | null> {
  if (!existsSync(BINARY)) return null;
  const home = join(dir, "binary");
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "tollgate.yaml"), tollgateConfig(mockPort));
  const port = freePort();
  const svc = await startService({
    name: "tollgate-binary",
    cmd: [BINARY],
    env: tollgateEnv(home, port),
    port,
    readyPath: "/health",
    logDir: dir,
  });
  try {
    await Bun.sleep(500);
    return {
      sizeMb: statSync(BINARY).size / 1024 / 1024,
      startupMs: svc.startupMs,
      idleRssMb: memory(svc.pid).rssMb,
    };
  } finally {
    await svc.stop();
  }
}
