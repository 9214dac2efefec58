import type { Booted } from "../boot.ts";
import type { StartOptions } from "../start.ts";

/** One CLI action (`tollgate <group> <action> ...`). */
export type Action = {
  usage: string;
  summary: string;
  run(args: string[], ctx: CliContext): number | Promise<number>;
};

export type CommandGroup = { name: string; summary: string; actions: Record<string, Action> };

/** A command without sub-actions: `tollgate serve`, `tollgate backup <file>`. */
export type Command = Action & { name: string };

export type CliContext = {
  /** Opens the database (migrating it and applying tollgate.yaml), once. */
  open(): Promise<Booted>;
  /** What the entry point was started with: environment, migrations, embedded assets. */
  options: StartOptions;
  out(line: string): void;
  err(line: string): void;
};

export class UsageError extends Error {}
