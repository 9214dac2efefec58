import { type FormEvent, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { DeliveryView } from "../../../server/admin/alerts/model.ts";
import {
  useAlertEmail,
  useDeliveries,
  useSetAlertEmail,
  useSetWebhook,
  useTestAlert,
  useWebhook,
} from "../api/alerts.ts";
import { Button } from "../ui/button.tsx";
import { Field, FormError } from "../ui/field.tsx";
import { Badge, Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { TwoLineTime } from "../ui/time.tsx";
import { useToast } from "../ui/toast.tsx";

const PAGE = 20;
const TONE = { delivered: "green", pending: "amber", stored: "slate", failed: "red" } as const;

function WebhookForm() {
  const hook = useWebhook();
  const save = useSetWebhook();
  const notify = useToast();
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate(
      { url: String(f.get("url")).trim(), secret: String(f.get("secret")) },
      { onSuccess: () => notify("success", t("alerts.saved")) },
    );
  };
  return (
    <QueryState query={hook}>
      {(h) => (
        <form onSubmit={submit} className="space-y-3" aria-label={t("alerts.form")}>
          <p className="text-sm text-slate-600">
            {h.url ? (
              <Trans
                i18nKey="alerts.postedTo"
                values={{ url: h.url }}
                components={{ mono: <span className="font-mono break-all" /> }}
              />
            ) : (
              t("alerts.none")
            )}{" "}
            <Trans i18nKey="alerts.how" components={{ code: <code /> }} />
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label={t("alerts.url")}
              name="url"
              type="url"
              required
              defaultValue={h.url ?? ""}
              placeholder="https://example.com/hooks/tollgate"
            />
            <Field
              label={t("alerts.secret")}
              name="secret"
              type="password"
              required
              minLength={16}
              autoComplete="off"
              placeholder={h.secret_set ? t("alerts.secretSet") : t("alerts.secretNew")}
            />
          </div>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="primary" disabled={save.isPending}>
              {t("alerts.save")}
            </Button>
            {h.url && (
              <Button
                variant="danger"
                disabled={save.isPending}
                onClick={() => save.mutate(null, { onSuccess: () => notify("success", t("alerts.removed")) })}
              >
                {t("alerts.remove")}
              </Button>
            )}
          </div>
          <FormError error={save.error} />
        </form>
      )}
    </QueryState>
  );
}

/** Who alerts are mailed to; the mail leaves through the gateway's one mail path (SMTP, or the outbox). */
function EmailForm() {
  const email = useAlertEmail();
  const save = useSetAlertEmail();
  const notify = useToast();
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const list = String(new FormData(e.currentTarget).get("recipients"))
      .split(",")
      .map((r) => r.trim())
      .filter(Boolean);
    save.mutate(list, { onSuccess: () => notify("success", t("alerts.email.saved")) });
  };
  return (
    <QueryState query={email}>
      {(m) => (
        <form onSubmit={submit} className="space-y-3" aria-label={t("alerts.email.form")}>
          <p className="text-sm text-slate-600" data-testid="alert-email-transport">
            {m.transport === "smtp" ? (
              t("alerts.email.smtp")
            ) : (
              <Trans
                i18nKey="alerts.email.outbox"
                components={{ code: <code />, outbox: <Link to="/outbox" className="underline" /> }}
              />
            )}
          </p>
          <Field
            key={m.recipients.join(",")}
            label={t("alerts.email.recipients")}
            name="recipients"
            type="email"
            multiple
            defaultValue={m.recipients.join(",")}
            placeholder="ops@example.com, billing@example.com"
            hint={t("alerts.email.hint")}
          />
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {t("alerts.email.save")}
          </Button>
          <FormError error={save.error} />
        </form>
      )}
    </QueryState>
  );
}

/** Sends a test alert through every channel configured (shown once there is one). */
function TestAlert() {
  const hook = useWebhook();
  const email = useAlertEmail();
  const test = useTestAlert();
  const notify = useToast();
  const { t } = useTranslation();
  if (!hook.data?.url && !email.data?.recipients.length) return null;
  return (
    <div className="space-y-2">
      <Button
        disabled={test.isPending}
        onClick={() => test.mutate(undefined, { onSuccess: () => notify("success", t("alerts.tested")) })}
      >
        {t("alerts.test")}
      </Button>
      <FormError error={test.error} />
    </div>
  );
}

/** Where a delivery went: the webhook, or the address an alert e-mail was sent to. */
function Channel({ d }: { d: DeliveryView }) {
  const { t } = useTranslation();
  if (d.channel === "webhook") return <>{t("alerts.email.channelWebhook")}</>;
  return (
    <>
      {t("alerts.email.channelEmail")}{" "}
      {/* Whole on one line: a narrow table scrolls inside its card rather than split an address. */}
      <span className="block font-mono text-xs whitespace-nowrap sm:inline">
        {d.url.replace(/^mailto:/, "")}
      </span>
    </>
  );
}

function Deliveries() {
  const [offset, setOffset] = useState(0);
  const page = useDeliveries(offset, PAGE);
  const { t } = useTranslation();
  return (
    <QueryState query={page}>
      {(p) =>
        p.data.length === 0 ? (
          <Empty title={t("alerts.empty")} />
        ) : (
          <>
            <Table label={t("alerts.table")}>
              <thead>
                <tr>
                  <th className={th}>{t("alerts.time")}</th>
                  <th className={th}>{t("alerts.event")}</th>
                  <th className={th}>{t("alerts.status")}</th>
                  <th className={th}>{t("alerts.email.channel")}</th>
                  <th className={`${th} text-right`}>{t("alerts.attempts")}</th>
                  <th className={`${th} hidden md:table-cell`}>{t("alerts.answer")}</th>
                </tr>
              </thead>
              <tbody>
                {p.data.map((d) => (
                  <tr key={d.id} data-testid="delivery-row">
                    <td className={`${td} whitespace-nowrap`}>
                      <TwoLineTime iso={d.created_at} />
                    </td>
                    <td className={`${td} font-mono text-xs break-all`}>{d.event}</td>
                    <td className={td}>
                      <Badge tone={TONE[d.status]}>{t(`alerts.statuses.${d.status}`)}</Badge>
                    </td>
                    <td className={`${td} text-sm`}>
                      <Channel d={d} />
                    </td>
                    <td className={`${td} text-right tabular-nums`}>{d.attempts}</td>
                    <td className={`${td} hidden text-xs break-all md:table-cell`}>
                      {d.response_status !== null ? `HTTP ${d.response_status}` : ""}
                      {d.last_error && d.last_error !== `HTTP ${d.response_status}` ? ` ${d.last_error}` : ""}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pager
              label={t("alerts.pages")}
              offset={offset}
              size={PAGE}
              shown={p.data.length}
              total={p.total}
              onOffset={setOffset}
            />
          </>
        )
      }
    </QueryState>
  );
}

export function AlertsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t("alerts.title")}>{t("alerts.intro")}</PageHeader>
      <div className="space-y-6">
        <Card title={t("alerts.webhook")}>
          <WebhookForm />
        </Card>
        <Card title={t("alerts.email.title")}>
          <EmailForm />
        </Card>
        <Card title={t("alerts.deliveriesTitle")} actions={<TestAlert />}>
          <Deliveries />
        </Card>
      </div>
    </>
  );
}
