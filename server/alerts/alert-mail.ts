import { formatAmount, UNITS_PER_CURRENCY } from "../billing/money.ts";

export type AlertEvent = "account.low_balance" | "key.limit_reached" | "test";

/** What an alert mail carries; the gateway's mailer (identity/mailer.ts) fits this shape. */
export type AlertMail = { to: string; subject: string; text: string; purpose: "alert" };

type Named = { id: string; name: string };

/**
 * The alert as a plain-text mail: a subject that says what happened and to whom, a few
 * lines a person reads, then the same JSON the webhook gets (a filter or a script can read
 * it). `panelUrl` (server.public_url) adds a link to the account's or the key's page.
 */
export function alertMail(
  to: string,
  event: AlertEvent,
  body: string,
  data: Record<string, unknown>,
  panelUrl: string | null,
): AlertMail {
  // The payload's amounts are JSON numbers; a person reads the ledger's exact decimals
  // ("0.000000001", never "1e-9").
  const money = (n: unknown) =>
    `${formatAmount(Math.round(Number(n) * UNITS_PER_CURRENCY))} ${String(data.currency ?? "")}`.trim();
  const link = (path: string) => (panelUrl ? [`Open it in the admin panel: ${panelUrl}/admin/${path}`] : []);
  let subject: string;
  let lines: string[];
  if (event === "account.low_balance") {
    const a = data.account as Named;
    subject = `[Tollgate] Account "${a.name}" is running low: ${money(data.balance)} left`;
    lines = [
      `The account "${a.name}" (${a.id}) fell below its low-balance threshold.`,
      "",
      `Balance:   ${money(data.balance)}`,
      `Threshold: ${money(data.threshold)}`,
      "",
      "Its keys keep working until the balance runs out; a top-up clears the alert.",
      ...link(`accounts/${a.id}`),
    ];
  } else if (event === "key.limit_reached") {
    const k = data.key as Named & { account_id: string };
    const period = data.budget_period ? ` (resets ${String(data.budget_period)})` : "";
    subject = `[Tollgate] Key "${k.name}" reached its spend limit`;
    lines = [
      `The key "${k.name}" (${k.id}) reached its spend limit of ${money(data.spend_limit)}${period}.`,
      "",
      "Its requests are refused (402 key_spend_limit_reached) until the limit is raised or its period resets.",
      ...link(`keys/${k.id}`),
    ];
  } else {
    subject = "[Tollgate] Test alert";
    lines = ["A test alert from Tollgate: alert e-mails reach this address."];
  }
  return { to, purpose: "alert", subject, text: [...lines, "", "The alert as JSON:", "", body].join("\n") };
}
