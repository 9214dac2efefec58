import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type AppView, type GrantView, useAppGrants, useRevokeGrant } from "../../api/oauth.ts";
import { Button } from "../../ui/button.tsx";
import { ConfirmDialog } from "../../ui/dialog.tsx";
import { formatTime } from "../../ui/format.ts";
import { Badge, Card, Table, td, th } from "../../ui/layout.tsx";
import { formatMoney } from "../../ui/money.ts";
import { Empty, QueryState } from "../../ui/states.tsx";
import { useToast } from "../../ui/toast.tsx";

/** What users granted one app: who, on which account, the key, its limit; each revocable. */
export function AppGrants({ app, onClose }: { app: AppView; onClose: () => void }) {
  const grants = useAppGrants(app.id);
  const revoke = useRevokeGrant();
  const notify = useToast();
  const { t } = useTranslation();
  const [asking, setAsking] = useState<GrantView | null>(null);
  const confirm = () => {
    if (!asking) return;
    const g = asking;
    revoke.mutate(g.id, {
      onSuccess: () => notify("success", t("apps.grants.revoked", { email: g.user_email })),
      onError: (e: Error) => notify("error", e.message),
      onSettled: () => setAsking(null),
    });
  };
  return (
    <Card
      title={t("apps.grants.title", { name: app.name })}
      actions={
        <Button size="sm" onClick={onClose}>
          {t("apps.grants.close")}
        </Button>
      }
    >
      <QueryState query={grants}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty title={t("apps.grants.empty")} />
          ) : (
            <Table label={t("apps.grants.table", { name: app.name })}>
              <thead>
                <tr>
                  <th className={th}>{t("apps.grants.user")}</th>
                  <th className={th}>{t("apps.grants.account")}</th>
                  <th className={`${th} hidden sm:table-cell`}>{t("apps.grants.key")}</th>
                  <th className={th}>{t("apps.grants.spendLimit")}</th>
                  <th className={`${th} hidden md:table-cell`}>{t("apps.grants.created")}</th>
                  <th className={th}>{t("apps.grants.status")}</th>
                  <th className={th}>
                    <span className="sr-only">{t("apps.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.map((g) => (
                  <tr key={g.id} data-testid={`grant-row-${g.user_email}`}>
                    <td className={`${td} break-all`}>{g.user_email}</td>
                    <td className={td}>
                      <Link to={`/accounts/${g.account_id}`} className="text-indigo-700 hover:underline">
                        {g.account_name}
                      </Link>
                    </td>
                    <td className={`${td} hidden font-mono text-xs sm:table-cell`}>{g.key_prefix}</td>
                    <td className={`${td} whitespace-nowrap`}>
                      {g.spend_limit === null
                        ? t("apps.grants.noLimit")
                        : formatMoney(g.spend_limit, g.currency)}
                    </td>
                    <td className={`${td} hidden whitespace-nowrap md:table-cell`}>
                      {formatTime(g.created_at)}
                    </td>
                    <td className={td}>
                      <Badge tone={g.status === "active" ? "green" : "slate"}>
                        {t(`apps.grants.statuses.${g.status as "active" | "revoked"}`)}
                      </Badge>
                    </td>
                    <td className={`${td} text-right`}>
                      {g.status === "active" && (
                        <Button
                          size="sm"
                          variant="danger"
                          onClick={() => setAsking(g)}
                          aria-label={t("apps.grants.revokeLabel", { email: g.user_email })}
                        >
                          {t("apps.grants.revoke")}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )
        }
      </QueryState>
      <ConfirmDialog
        open={asking !== null}
        title={asking ? t("apps.grants.revokeTitle", { email: asking.user_email }) : ""}
        confirmLabel={t("apps.grants.revoke")}
        busy={revoke.isPending}
        onCancel={() => setAsking(null)}
        onConfirm={confirm}
      >
        {asking ? t("apps.grants.revokeBody", { key: asking.key_prefix }) : ""}
      </ConfirmDialog>
    </Card>
  );
}
