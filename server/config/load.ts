import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { InterpolationError, interpolate } from "./interpolate.ts";
import { formatPath } from "./path.ts";
import { type Config, ConfigSchema } from "./schema.ts";

export class ConfigError extends Error {
  constructor(file: string, lines: string[]) {
    super(`Invalid configuration in ${file}:\n  ${lines.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Parses and validates config text; the result is deeply frozen. */
export function parseConfig(
  text: string,
  env: Record<string, string | undefined>,
  file = "tollgate.yaml",
): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(file, [`YAML: ${(err as Error).message.split("\n")[0]}`]);
  }
  try {
    raw = interpolate(raw, env);
  } catch (err) {
    if (err instanceof InterpolationError) throw new ConfigError(file, [err.message]);
    throw err;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((i) => `${formatPath(i.path) || "(root)"}: ${i.message}`),
    );
  }
  return deepFreeze(parsed.data);
}

/**
 * Reads `path` (or `./tollgate.yaml` when it exists). An explicitly named file that is
 * missing is an error; the default file is optional.
 */
export function loadConfig(
  path: string | undefined,
  env: Record<string, string | undefined>,
): { config: Config; file: string | null } {
  const file = path ?? "./tollgate.yaml";
  if (!existsSync(file)) {
    if (path) throw new ConfigError(file, ["file not found"]);
    return { config: parseConfig("", env), file: null };
  }
  return { config: parseConfig(readFileSync(file, "utf8"), env, file), file };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
