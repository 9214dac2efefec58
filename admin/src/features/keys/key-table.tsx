import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { useAccounts } from "../../api/accounts.ts";
import { Button } from "../../ui/button.tsx";
import { formatTime } from "../../ui/format.ts";
import { Table, td, th } from "../../ui/layout.tsx";
import { useMoney } from "../../ui/use-money.ts";
import { EditLimitsDialog } from "./edit-limits-dialog.tsx";
import { KeyStatus } from "./key-status.tsx";
import { RevokeButton } from "./revoke-button.tsx";
import { SpendBar } from "./spend-bar.tsx";
import { SuspendButton } from "./suspend-button.tsx";

export function KeyTable({ keys, showAccount = true }: { keys: KeyView[]; showAccount?: boolean }) {
  const money = useMoney();
  const accounts = useAccounts().data?.data;
  const accountName = (id: string) => accounts?.find((a) => a.id === id)?.name ?? id;
  const [editing, setEditing] = useState<KeyView | null>(null);
  const { t } = useTranslation();
  return (
    <>
      <Table label={t("keys.table.label")}>
        <thead>
          <tr>
            <th className={th}>{t("keys.table.name")}</th>
            {showAccount && <th className={`${th} hidden md:table-cell`}>{t("keys.table.account")}</th>}
            <th className={th}>{t("keys.table.status")}</th>
            <th className={`${th} hidden sm:table-cell`}>{t("keys.table.lastUsed")}</th>
            <th className={`${th} text-right`}>{t("keys.table.spend")}</th>
            {/* On phones the actions live on the key's own page, so the table fits. */}
            <th className={`${th} hidden text-right sm:table-cell`}>
              <span className="sr-only">{t("keys.table.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} data-testid={`key-row-${k.id}`}>
              <td className={td}>
                <Link to={`/keys/${k.id}`} className="font-medium text-indigo-700 hover:underline">
                  {k.name}
                </Link>
                <div className="font-mono text-xs text-slate-500">{k.prefix}…</div>
              </td>
              {showAccount && (
                <td className={`${td} hidden md:table-cell`}>
                  <Link to={`/accounts/${k.account_id}`} className="hover:underline">
                    {accountName(k.account_id)}
                  </Link>
                </td>
              )}
              <td className={td}>
                <KeyStatus keyView={k} />
              </td>
              <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>{formatTime(k.last_used_at)}</td>
              <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                {money(k.spend_limit === null ? k.used : k.period_spent)}
                {k.spend_limit !== null && (
                  <div className="flex flex-col items-end gap-1 text-xs text-slate-500">
                    {t("keys.table.of", { limit: money(k.spend_limit) })}
                    {k.budget_period ? ` ${t(`keys.table.periods.${k.budget_period}`)}` : ""}
                    <SpendBar keyView={k} compact />
                  </div>
                )}
              </td>
              <td className={`${td} hidden text-right sm:table-cell`}>
                <div className="flex justify-end gap-1.5">
                  {k.status !== "revoked" && (
                    <Button
                      size="sm"
                      onClick={() => setEditing(k)}
                      aria-label={t("keys.table.editLabel", { name: k.name })}
                    >
                      {t("keys.table.edit")}
                    </Button>
                  )}
                  <SuspendButton keyView={k} />
                  <RevokeButton keyView={k} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {editing && <EditLimitsDialog keyView={editing} open onClose={() => setEditing(null)} />}
    </>
  );
}
