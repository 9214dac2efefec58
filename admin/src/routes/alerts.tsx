import { type FormEvent, useState } from "react";
import { useDeliveries, useSetWebhook, useTestAlert, useWebhook } from "../api/alerts.ts";
import { Button } from "../ui/button.tsx";
import { Field, FormError } from "../ui/field.tsx";
import { Badge, Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { TwoLineTime } from "../ui/time.tsx";
import { useToast } from "../ui/toast.tsx";

const PAGE = 20;
const TONE = { delivered: "green", pending: "amber", failed: "red" } as const;

function WebhookForm() {
  const hook = useWebhook();
  const save = useSetWebhook();
  const test = useTestAlert();
  const notify = useToast();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    save.mutate(
      { url: String(f.get("url")).trim(), secret: String(f.get("secret")) },
      { onSuccess: () => notify("success", "Webhook saved.") },
    );
  };
  return (
    <QueryState query={hook}>
      {(h) => (
        <form onSubmit={submit} className="space-y-3" aria-label="Alert webhook">
          <p className="text-sm text-slate-600">
            {h.url ? (
              <>
                Alerts are posted to <span className="font-mono break-all">{h.url}</span>.
              </>
            ) : (
              "No webhook: alerts are not sent."
            )}{" "}
            Each POST is JSON, signed in <code>X-Tollgate-Signature: sha256=…</code> (HMAC-SHA256 of the body
            with the secret), and retried with backoff (up to 5 attempts: after 1, 2, 4 and 8 s) until the
            receiver answers 2xx. E-mail alerts are not available yet.
          </p>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field
              label="URL"
              name="url"
              type="url"
              required
              defaultValue={h.url ?? ""}
              placeholder="https://example.com/hooks/tollgate"
            />
            <Field
              label="Signing secret"
              name="secret"
              type="password"
              required
              minLength={16}
              autoComplete="off"
              placeholder={h.secret_set ? "Set (type a new one to replace it)" : "At least 16 characters"}
            />
          </div>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="primary" disabled={save.isPending}>
              Save webhook
            </Button>
            {h.url && (
              <>
                <Button
                  disabled={test.isPending}
                  onClick={() =>
                    test.mutate(undefined, { onSuccess: () => notify("success", "Test alert sent.") })
                  }
                >
                  Send test alert
                </Button>
                <Button
                  variant="danger"
                  disabled={save.isPending}
                  onClick={() =>
                    save.mutate(null, { onSuccess: () => notify("success", "Webhook removed.") })
                  }
                >
                  Remove
                </Button>
              </>
            )}
          </div>
          <FormError error={save.error ?? test.error} />
        </form>
      )}
    </QueryState>
  );
}

function Deliveries() {
  const [offset, setOffset] = useState(0);
  const page = useDeliveries(offset, PAGE);
  return (
    <QueryState query={page}>
      {(p) =>
        p.data.length === 0 ? (
          <Empty title="No alerts sent yet." />
        ) : (
          <>
            <Table label="Alert deliveries">
              <thead>
                <tr>
                  <th className={th}>Time</th>
                  <th className={th}>Event</th>
                  <th className={th}>Status</th>
                  <th className={`${th} text-right`}>Attempts</th>
                  <th className={`${th} hidden md:table-cell`}>Receiver's answer</th>
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
                      <Badge tone={TONE[d.status]}>{d.status}</Badge>
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
              label="Delivery pages"
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
  return (
    <>
      <PageHeader title="Alerts">
        An alert is sent when an account falls below its low-balance threshold or a key reaches its spend
        limit.
      </PageHeader>
      <div className="space-y-6">
        <Card title="Webhook">
          <WebhookForm />
        </Card>
        <Card title="Deliveries">
          <Deliveries />
        </Card>
      </div>
    </>
  );
}
