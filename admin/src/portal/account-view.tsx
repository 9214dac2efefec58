import { useTranslation } from "react-i18next";
import { type PortalSource, useAccountSummary } from "../api/portal.ts";
import { ConnectionSnippets } from "../features/connect/connection-details.tsx";
import { formatCount } from "../ui/format.ts";
import { Badge, Card, PageHeader, Stat } from "../ui/layout.tsx";
import { formatMoney } from "../ui/money.ts";
import { QueryState } from "../ui/states.tsx";
import { AppsCard } from "./apps-card.tsx";
import { KeysCard } from "./keys-card.tsx";
import { LedgerCard } from "./ledger-card.tsx";
import { MembersCard } from "./members-card.tsx";
import { PlanCard } from "./plan-card.tsx";
import { UsageCard } from "./usage-card.tsx";

/**
 * One account as its people see it: balance, plan and today's limits, keys, usage, the
 * ledger, connected apps and how to connect. `source` "admin" is the panel's read-only
 * "view as owner": the same page over the admin API's mirror, with nothing to change.
 */
export function PortalAccountView({ source, accountId }: { source: PortalSource; accountId: string }) {
  const summary = useAccountSummary(source, accountId);
  const { t } = useTranslation();
  const readOnly = source === "admin";
  return (
    <QueryState query={summary}>
      {(s) => {
        const money = (n: number) => formatMoney(n, s.account.currency).trimEnd();
        const canManage = !readOnly && s.account.role === "owner";
        return (
          <>
            <PageHeader
              title={
                <span className="flex flex-wrap items-center gap-2">
                  {/* Names are often e-mail addresses: one long word that must wrap on a phone. */}
                  <span className="min-w-0 break-all">{s.account.name}</span>
                  {s.account.role && <Badge tone="slate">{t(`users.roles.${s.account.role}`)}</Badge>}
                  {s.account.status === "suspended" && <Badge tone="amber">{t("portal.suspended")}</Badge>}
                </span>
              }
            >
              {readOnly
                ? t("portal.readOnly")
                : s.account.role === "member"
                  ? t("portal.memberHint")
                  : t("portal.intro")}
            </PageHeader>
            <div className="space-y-6">
              <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
                <Stat label={t("portal.balance")} value={money(s.account.balance)} testId="portal-balance" />
                <Stat
                  label={t("portal.requestsToday")}
                  value={formatCount(s.today.requests)}
                  hint={
                    s.plan?.requests_per_day != null
                      ? t("portal.ofLimit", { limit: formatCount(s.plan.requests_per_day) })
                      : undefined
                  }
                  testId="portal-requests-today"
                />
                <Stat label={t("portal.tokensToday")} value={formatCount(s.today.tokens)} />
              </div>
              <PlanCard summary={s} />
              <KeysCard
                source={source}
                accountId={accountId}
                currency={s.account.currency}
                canManage={canManage}
              />
              <UsageCard source={source} accountId={accountId} />
              <LedgerCard source={source} accountId={accountId} currency={s.account.currency} />
              <MembersCard source={source} accountId={accountId} />
              {!readOnly && <AppsCard accountId={accountId} currency={s.account.currency} />}
              <Card title={t("portal.connect.title")}>
                <p className="mb-2 text-sm text-slate-600">{t("portal.connect.hint")}</p>
                <ConnectionSnippets
                  apiKey="YOUR_API_KEY"
                  model={s.plan?.models?.[0] ?? "MODEL_ID"}
                  publicUrl={null}
                />
              </Card>
            </div>
          </>
        );
      }}
    </QueryState>
  );
}
