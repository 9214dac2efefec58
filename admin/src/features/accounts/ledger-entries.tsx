import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { LedgerEntryView } from "../../../../server/admin/accounts/model.ts";
import { Badge, Table, td, th } from "../../ui/layout.tsx";
import { TwoLineTime } from "../../ui/time.tsx";

/**
 * Ledger entries as a table: time, kind, amount, balance after, description. The panel's
 * account page and the user portal both show them; what a kind is called and what the
 * description links to are theirs to say.
 */
export function LedgerEntries({
  entries,
  money,
  kindLabel,
  details,
}: {
  entries: LedgerEntryView[];
  money: (n: number) => string;
  kindLabel: (kind: string) => string;
  details: (e: LedgerEntryView) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Table label={t("accounts.ledger.label")}>
      <thead>
        <tr>
          <th className={th}>{t("accounts.ledger.time")}</th>
          <th className={th}>{t("accounts.ledger.kindColumn")}</th>
          <th className={`${th} text-right`}>{t("accounts.ledger.amount")}</th>
          <th className={`${th} text-right`}>{t("accounts.ledger.balanceAfter")}</th>
          <th className={`${th} hidden md:table-cell`}>{t("accounts.ledger.description")}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-testid="ledger-row">
            <td className={`${td} whitespace-nowrap`}>
              <TwoLineTime iso={e.created_at} />
            </td>
            <td className={td}>
              <Badge tone={e.amount >= 0 ? "green" : "slate"}>{kindLabel(e.kind)}</Badge>
            </td>
            <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(e.amount)}</td>
            <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{money(e.balance_after)}</td>
            <td className={`${td} hidden md:table-cell`}>{details(e)}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
