import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { KeyView } from "../../../server/admin/keys/model.ts";
import { type PortalSource, useIssuePortalKey, usePortalKeys, useRevokePortalKey } from "../api/portal.ts";
import { ConnectionSnippets } from "../features/connect/connection-details.tsx";
import { KeyStatus } from "../features/keys/key-status.tsx";
import { PlainKey } from "../features/keys/plain-key.tsx";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog, Modal } from "../ui/dialog.tsx";
import { Field, FormError, SelectField } from "../ui/field.tsx";
import { formatTime } from "../ui/format.ts";
import { Card, Table, td, th } from "../ui/layout.tsx";
import { formatMoney } from "../ui/money.ts";
import { Empty, QueryState } from "../ui/states.tsx";
import { useToast } from "../ui/toast.tsx";

/** The first model a new key may call (for the connection examples), asked of the gateway with that key. */
async function firstModel(key: string): Promise<string> {
  try {
    const r = await fetch("/v1/models", { headers: { authorization: `Bearer ${key}` } });
    const body = (await r.json()) as { data?: { id: string }[] };
    return body.data?.[0]?.id ?? "MODEL_ID";
  } catch {
    return "MODEL_ID";
  }
}

/** The account's keys; owners issue (a name and an optional spend limit) and revoke them. */
export function KeysCard({
  source,
  accountId,
  currency,
  canManage,
}: {
  source: PortalSource;
  accountId: string;
  currency: string;
  canManage: boolean;
}) {
  const keys = usePortalKeys(source, accountId);
  const [issuing, setIssuing] = useState(false);
  const [revoking, setRevoking] = useState<KeyView | null>(null);
  const revoke = useRevokePortalKey(accountId);
  const notify = useToast();
  const { t } = useTranslation();
  const money = (n: number) => formatMoney(n, currency).trimEnd();
  return (
    <Card
      title={t("portal.keys.title")}
      actions={
        canManage && (
          <Button size="sm" variant="primary" onClick={() => setIssuing(true)}>
            {t("portal.keys.issue")}
          </Button>
        )
      }
    >
      <QueryState query={keys}>
        {({ data }) =>
          data.length === 0 ? (
            <Empty title={t("portal.keys.empty")}>{canManage ? t("portal.keys.emptyHint") : null}</Empty>
          ) : (
            <Table label={t("portal.keys.table")}>
              <thead>
                <tr>
                  <th className={th}>{t("portal.keys.name")}</th>
                  <th className={th}>{t("portal.keys.status")}</th>
                  <th className={`${th} hidden sm:table-cell`}>{t("portal.keys.lastUsed")}</th>
                  <th className={`${th} text-right`}>{t("portal.keys.spent")}</th>
                  {canManage && (
                    <th className={th}>
                      <span className="sr-only">{t("users.actions")}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {data.map((k) => (
                  <tr key={k.id} data-testid={`portal-key-${k.name}`}>
                    <td className={td}>
                      <div className="font-medium">{k.name}</div>
                      <div className="font-mono text-xs text-slate-500">{k.prefix}…</div>
                    </td>
                    <td className={td}>
                      <KeyStatus keyView={k} />
                    </td>
                    <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>
                      {formatTime(k.last_used_at)}
                    </td>
                    <td className={`${td} text-right whitespace-nowrap tabular-nums`}>
                      {money(k.spend_limit === null ? k.used : k.period_spent)}
                      {k.spend_limit !== null && (
                        <div className="text-xs text-slate-500">
                          {t("portal.keys.of", { limit: money(k.spend_limit) })}
                        </div>
                      )}
                    </td>
                    {canManage && (
                      <td className={`${td} text-right`}>
                        {k.status !== "revoked" && (
                          <Button
                            size="sm"
                            variant="danger"
                            onClick={() => setRevoking(k)}
                            aria-label={t("portal.keys.revokeLabel", { name: k.name })}
                          >
                            {t("portal.keys.revoke")}
                          </Button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
          )
        }
      </QueryState>
      {issuing && <IssueDialog accountId={accountId} currency={currency} onClose={() => setIssuing(false)} />}
      <ConfirmDialog
        open={revoking !== null}
        title={t("portal.keys.revokeTitle", { name: revoking?.name })}
        confirmLabel={t("portal.keys.revoke")}
        busy={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() =>
          revoking &&
          revoke.mutate(revoking.id, {
            onSuccess: () => notify("success", t("portal.keys.revoked", { name: revoking.name })),
            onError: (e) => notify("error", e.message),
            onSettled: () => setRevoking(null),
          })
        }
      >
        {t("portal.keys.revokeBody")}
      </ConfirmDialog>
    </Card>
  );
}

function IssueDialog({
  accountId,
  currency,
  onClose,
}: {
  accountId: string;
  currency: string;
  onClose: () => void;
}) {
  const issue = useIssuePortalKey(accountId);
  const [issued, setIssued] = useState<{ key: string; name: string; model: string } | null>(null);
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const limit = String(f.get("spend_limit") ?? "").trim();
    const period = String(f.get("budget_period") ?? "");
    issue.mutate(
      {
        name: String(f.get("name")),
        spend_limit: limit || null,
        budget_period: limit && period ? period : null,
      },
      { onSuccess: async (k) => setIssued({ key: k.key, name: k.name, model: await firstModel(k.key) }) },
    );
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={issued ? t("portal.keys.issuedTitle") : t("portal.keys.issueTitle")}
      wide
    >
      {issued ? (
        <PlainKey value={issued.key} name={issued.name} onDone={onClose}>
          <ConnectionSnippets apiKey={issued.key} model={issued.model} publicUrl={null} />
        </PlainKey>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <Field
            label={t("portal.keys.name")}
            name="name"
            required
            maxLength={200}
            placeholder={t("portal.keys.namePlaceholder")}
          />
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label={t("portal.keys.limit", { currency })}
              name="spend_limit"
              inputMode="decimal"
              pattern="\d+(\.\d{1,9})?"
              hint={t("portal.keys.limitHint")}
            />
            <SelectField label={t("portal.keys.period")} name="budget_period" defaultValue="monthly">
              <option value="">{t("portal.keys.periods.none")}</option>
              <option value="daily">{t("portal.keys.periods.daily")}</option>
              <option value="weekly">{t("portal.keys.periods.weekly")}</option>
              <option value="monthly">{t("portal.keys.periods.monthly")}</option>
            </SelectField>
          </div>
          <FormError error={issue.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={onClose}>{t("common.cancel")}</Button>
            <Button type="submit" variant="primary" disabled={issue.isPending}>
              {t("portal.keys.submit")}
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
