import type { Db } from "../../db/client.ts";
import { deleteSetting, readSetting, upsertSetting } from "../../db/queries/system.ts";

const SETTING = "alerts.email";

/** The addresses alerts are mailed to (the Alerts page); none: alerts are not mailed. */
export function readRecipients(db: Db): string[] {
  const stored = readSetting(db, SETTING);
  return stored ? (JSON.parse(stored) as string[]) : [];
}

export function writeRecipients(db: Db, recipients: readonly string[]): void {
  if (recipients.length === 0) deleteSetting(db, SETTING);
  else upsertSetting(db, SETTING, JSON.stringify(recipients));
}
