import type { Booted } from "../boot.ts";

/** One CLI action (`tollgate <group> <action> ...`). */
export type Action = {
  usage: string;
  summary: string;
  run(args: string[], ctx: CliContext): number | Promise<number>;
};

export type CommandGroup = { name: string; summary: string; actions: Record<string, Action> };

export type CliContext = {
  /** Opens the database (migrating it and applying tollgate.yaml), once. */
  open(): Booted;
  out(line: string): void;
  err(line: string): void;
};

export class UsageError extends Error {}
