import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client.ts";
import { useConnectedApps, useRevokeApp } from "../api/portal.ts";
import { Button } from "../ui/button.tsx";
import { formatTime } from "../ui/format.ts";
import { Badge, Card, Table, td, th } from "../ui/layout.tsx";
import { formatMoney } from "../ui/money.ts";
import { Empty, QueryState } from "../ui/states.tsx";
import { useToast } from "../ui/toast.tsx";

/** Apps the user let in with OAuth (each holds a key on an account), and a way to cut them off. */
export function AppsCard({ accountId, currency }: { accountId: string; currency: string }) {
  const apps = useConnectedApps(true);
  const revoke = useRevokeApp();
  const notify = useToast();
  const { t } = useTranslation();
  // A gateway without OAuth apps has no such route: say so rather than fail.
  if (apps.error instanceof ApiError && apps.error.status === 404) return null;
  return (
    <Card title={t("portal.apps.title")}>
      <QueryState query={apps}>
        {({ data }) => {
          const mine = data.filter((a) => a.account_id === accountId);
          return mine.length === 0 ? (
            <Empty title={t("portal.apps.empty")}>{t("portal.apps.emptyHint")}</Empty>
          ) : (
            <Table label={t("portal.apps.title")}>
              <thead>
                <tr>
                  <th className={th}>{t("portal.apps.app")}</th>
                  <th className={th}>{t("portal.keys.status")}</th>
                  <th className={`${th} hidden sm:table-cell`}>{t("portal.keys.lastUsed")}</th>
                  <th className={`${th} text-right`}>{t("portal.keys.spent")}</th>
                  <th className={th}>
                    <span className="sr-only">{t("users.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {mine.map((a) => (
                  <tr key={a.id}>
                    <td className={td}>
                      <div className="font-medium">{a.app_name}</div>
                      <div className="font-mono text-xs text-slate-500">{a.key_prefix}…</div>
                    </td>
                    <td className={td}>
                      <Badge tone={a.status === "active" ? "green" : "red"}>
                        {t(`portal.apps.statuses.${a.status}`)}
                      </Badge>
                    </td>
                    <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>
                      {formatTime(a.last_used_at)}
                    </td>
                    <td className={`${td} text-right tabular-nums`}>
                      {formatMoney(a.spent, currency).trimEnd()}
                      {a.spend_limit !== null && (
                        <div className="text-xs text-slate-500">
                          {t("portal.keys.of", { limit: formatMoney(a.spend_limit, currency).trimEnd() })}
                        </div>
                      )}
                    </td>
                    <td className={`${td} text-right`}>
                      {a.status === "active" && (
                        <Button
                          size="sm"
                          variant="danger"
                          disabled={revoke.isPending}
                          onClick={() =>
                            revoke.mutate(a.id, {
                              onSuccess: () =>
                                notify("success", t("portal.apps.revoked", { name: a.app_name })),
                              onError: (e) => notify("error", e.message),
                            })
                          }
                          aria-label={t("portal.apps.revokeLabel", { name: a.app_name })}
                        >
                          {t("portal.keys.revoke")}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          );
        }}
      </QueryState>
    </Card>
  );
}
