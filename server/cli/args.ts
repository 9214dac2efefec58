import { parseArgs } from "node:util";
import { parseAmount } from "../billing/money.ts";
import { UsageError } from "./command.ts";

type Options = Record<string, { type: "string" | "boolean"; short?: string }>;

/** node:util parseArgs with our usage errors. */
export function parse<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function amountArg(value: string | undefined, name: string): number {
  const units = value === undefined ? null : parseAmount(value);
  if (units === null) throw new UsageError(`${name} must be a decimal amount, e.g. 10 or 0.25`);
  return units;
}

export function intArg(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive whole number`);
  return n;
}

export function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`${name} is required`);
  return value;
}

/** A fixed-width table for humans; `--json` output is for scripts. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  const cells = rows.map((r) =>
    columns.map((c) => (r[c] === null || r[c] === undefined ? "-" : String(r[c]))),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(columns), ...cells.map(line)].join("\n");
}
