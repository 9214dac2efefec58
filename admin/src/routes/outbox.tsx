import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PAGE_SIZE, useOutbox } from "../api/identity.ts";
import { Button } from "../ui/button.tsx";
import { Badge, Card, PageHeader } from "../ui/layout.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { TwoLineTime } from "../ui/time.tsx";

/**
 * Mail the gateway sent or kept: with no SMTP server configured, the outbox is where
 * sign-in codes and invitations wait for the operator to pass them on.
 */
export function OutboxPage() {
  const [offset, setOffset] = useState(0);
  const outbox = useOutbox(offset);
  const { t } = useTranslation();
  return (
    <>
      <PageHeader
        title={t("outbox.title")}
        actions={
          <Button size="sm" onClick={() => outbox.refetch()}>
            {t("outbox.refresh")}
          </Button>
        }
      >
        {t("outbox.intro")}
      </PageHeader>
      <QueryState query={outbox}>
        {(page) => (
          <div className="space-y-3">
            <p className="text-sm text-slate-600">
              {page.transport === "outbox" ? t("outbox.viaOutbox") : t("outbox.viaSmtp")}
            </p>
            {page.data.length === 0 ? (
              <Empty title={t("outbox.empty")}>{t("outbox.emptyHint")}</Empty>
            ) : (
              page.data.map((m) => (
                <Card key={m.id}>
                  <article aria-label={m.subject} data-testid="outbox-message">
                    <div className="flex flex-wrap items-start justify-between gap-2">
                      <div className="min-w-0">
                        <h2 className="font-medium break-words">{m.subject}</h2>
                        <p className="text-sm break-all text-slate-600">{t("outbox.to", { to: m.to })}</p>
                      </div>
                      <div className="flex items-center gap-2 text-xs text-slate-500">
                        <Badge tone={m.status === "failed" ? "red" : m.status === "sent" ? "green" : "slate"}>
                          {t(`outbox.statuses.${m.status}`)}
                        </Badge>
                        <TwoLineTime iso={m.created_at} />
                      </div>
                    </div>
                    {m.text ? (
                      <details className="mt-2">
                        <summary className="cursor-pointer text-sm text-indigo-700">
                          {t("outbox.show")}
                        </summary>
                        <pre className="mt-2 text-xs whitespace-pre-wrap text-slate-700">{m.text}</pre>
                      </details>
                    ) : (
                      <p className="mt-2 text-xs text-slate-500">{m.error ?? t("outbox.noText")}</p>
                    )}
                  </article>
                </Card>
              ))
            )}
            <Pager
              label={t("outbox.pages")}
              offset={offset}
              size={PAGE_SIZE}
              shown={page.data.length}
              total={page.total}
              onOffset={setOffset}
            />
          </div>
        )}
      </QueryState>
    </>
  );
}
