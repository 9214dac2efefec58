/** The setting the recipients are stored under (Store.settings). */
export const RECIPIENTS_SETTING = "alerts.email";

/** The addresses alerts are mailed to (the Alerts page); none: alerts are not mailed. */
export function parseRecipients(stored: string | undefined): string[] {
  return stored ? (JSON.parse(stored) as string[]) : [];
}
