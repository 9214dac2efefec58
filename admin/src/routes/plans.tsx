import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type PlanView, useDeletePlan, usePlans, useSavePlan } from "../api/identity.ts";
import { useSettings } from "../api/session.ts";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog, Modal } from "../ui/dialog.tsx";
import { Field, FormError } from "../ui/field.tsx";
import { formatCount } from "../ui/format.ts";
import { Badge, Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { useToast } from "../ui/toast.tsx";
import { useMoney } from "../ui/use-money.ts";

const LIMITS = ["requests_per_minute", "requests_per_day", "tokens_per_day", "concurrent_requests"] as const;

/** Plans: named limit sets with a price multiplier and a monthly fee, assigned on an account's page. */
export function PlansPage() {
  const plans = usePlans();
  const remove = useDeletePlan();
  const money = useMoney();
  const notify = useToast();
  const { t } = useTranslation();
  const [editing, setEditing] = useState<PlanView | "new" | null>(null);
  const [deleting, setDeleting] = useState<PlanView | null>(null);
  const limit = (n: number | null) => (n === null ? t("plans.unlimited") : formatCount(n));
  return (
    <>
      <PageHeader
        title={t("plans.title")}
        actions={
          <Button variant="primary" onClick={() => setEditing("new")}>
            {t("plans.new")}
          </Button>
        }
      >
        {t("plans.intro")}
      </PageHeader>
      <Card>
        <QueryState query={plans}>
          {({ data }) =>
            data.length === 0 ? (
              <Empty title={t("plans.empty")}>{t("plans.emptyHint")}</Empty>
            ) : (
              <Table label={t("plans.table")}>
                <thead>
                  <tr>
                    <th className={th}>{t("plans.name")}</th>
                    <th className={`${th} text-right`}>{t("plans.fields.requests_per_day")}</th>
                    <th className={`${th} hidden text-right md:table-cell`}>
                      {t("plans.fields.requests_per_minute")}
                    </th>
                    <th className={`${th} hidden text-right lg:table-cell`}>
                      {t("plans.fields.tokens_per_day")}
                    </th>
                    <th className={`${th} hidden text-right sm:table-cell`}>
                      {t("plans.fields.monthly_fee")}
                    </th>
                    <th className={th}>
                      <span className="sr-only">{t("users.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((p) => (
                    <tr key={p.id} data-testid={`plan-row-${p.id}`}>
                      <td className={td}>
                        <div className="font-medium">
                          {p.name} {p.default && <Badge tone="green">{t("plans.defaultBadge")}</Badge>}
                        </div>
                        <div className="font-mono text-xs text-slate-500">{p.id}</div>
                      </td>
                      <td className={`${td} text-right tabular-nums`}>{limit(p.requests_per_day)}</td>
                      <td className={`${td} hidden text-right tabular-nums md:table-cell`}>
                        {limit(p.requests_per_minute)}
                      </td>
                      <td className={`${td} hidden text-right tabular-nums lg:table-cell`}>
                        {limit(p.tokens_per_day)}
                      </td>
                      <td className={`${td} hidden text-right tabular-nums sm:table-cell`}>
                        {money(p.monthly_fee)}
                      </td>
                      <td className={`${td} text-right`}>
                        <div className="flex justify-end gap-1.5">
                          <Button
                            size="sm"
                            onClick={() => setEditing(p)}
                            aria-label={t("plans.editLabel", { name: p.name })}
                          >
                            {t("common.edit")}
                          </Button>
                          <Button
                            size="sm"
                            variant="danger"
                            onClick={() => setDeleting(p)}
                            aria-label={t("plans.deleteLabel", { name: p.name })}
                          >
                            {t("plans.delete")}
                          </Button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )
          }
        </QueryState>
      </Card>
      {editing && <PlanDialog plan={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        open={deleting !== null}
        title={t("plans.deleteTitle", { name: deleting?.name })}
        confirmLabel={t("plans.delete")}
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => notify("success", t("plans.deleted", { name: deleting.name })),
            onError: (e) => notify("error", e.message),
            onSettled: () => setDeleting(null),
          })
        }
      >
        {t("plans.deleteBody")}
      </ConfirmDialog>
    </>
  );
}

const numberOrNull = (v: FormDataEntryValue | null) =>
  v === null || String(v).trim() === "" ? null : Number(v);

function PlanDialog({ plan, onClose }: { plan: PlanView | null; onClose: () => void }) {
  const save = useSavePlan();
  const currency = useSettings().data?.currency ?? "";
  const notify = useToast();
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const models = String(f.get("models") ?? "")
      .split(",")
      .map((m) => m.trim())
      .filter(Boolean);
    save.mutate(
      {
        id: plan?.id ?? String(f.get("id")),
        create: plan === null,
        name: String(f.get("name")),
        default: f.get("default") === "on",
        requests_per_minute: numberOrNull(f.get("requests_per_minute")),
        requests_per_day: numberOrNull(f.get("requests_per_day")),
        tokens_per_day: numberOrNull(f.get("tokens_per_day")),
        concurrent_requests: numberOrNull(f.get("concurrent_requests")),
        models: models.length ? models : null,
        price_multiplier: Number(f.get("price_multiplier") || 1),
        monthly_fee: String(f.get("monthly_fee") || "0"),
      },
      {
        onSuccess: (p) => {
          notify("success", t("plans.saved", { name: p.name }));
          onClose();
        },
      },
    );
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={plan ? t("plans.editTitle", { name: plan.name }) : t("plans.newTitle")}
      wide
    >
      <form onSubmit={submit} className="space-y-4">
        <div className="grid gap-3 sm:grid-cols-2">
          <Field
            label={t("plans.id")}
            name="id"
            required
            defaultValue={plan?.id}
            disabled={plan !== null}
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
            hint={t("plans.idHint")}
          />
          <Field label={t("plans.name")} name="name" required maxLength={100} defaultValue={plan?.name} />
          {LIMITS.map((k) => (
            <Field
              key={k}
              label={t(`plans.fields.${k}`)}
              name={k}
              type="number"
              min={1}
              step={1}
              defaultValue={plan?.[k] ?? ""}
              placeholder={t("plans.unlimited")}
            />
          ))}
          <Field
            label={t("plans.fields.price_multiplier")}
            name="price_multiplier"
            type="number"
            min={0.001}
            max={1000}
            step="any"
            defaultValue={plan?.price_multiplier ?? 1}
          />
          <Field
            label={t("plans.fields.monthly_fee_in", { currency })}
            name="monthly_fee"
            inputMode="decimal"
            defaultValue={plan?.monthly_fee ?? 0}
          />
        </div>
        <Field
          label={t("plans.fields.models")}
          name="models"
          defaultValue={plan?.models?.join(", ") ?? ""}
          placeholder={t("plans.allModels")}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="default" defaultChecked={plan?.default ?? false} />
          {t("plans.fields.default")}
        </label>
        <FormError error={save.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
