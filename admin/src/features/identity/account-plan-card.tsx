import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useAccountPlan, useAssignPlan, useMembers, usePlans } from "../../api/identity.ts";
import { Button } from "../../ui/button.tsx";
import { FormError, SelectField } from "../../ui/field.tsx";
import { formatTime } from "../../ui/format.ts";
import { Card } from "../../ui/layout.tsx";
import { QueryState } from "../../ui/states.tsx";
import { useToast } from "../../ui/toast.tsx";

/** The account's plan (assigning one with a fee charges this month) and who signs in to it. */
export function AccountPlanCard({ accountId }: { accountId: string }) {
  const current = useAccountPlan(accountId);
  const plans = usePlans();
  const members = useMembers(accountId);
  const assign = useAssignPlan(accountId);
  const notify = useToast();
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const planId = picked ?? current.data?.plan?.id ?? "";
    assign.mutate(planId || null, {
      onSuccess: (r) =>
        notify(
          "success",
          r.plan ? t("plans.account.assigned", { name: r.plan.name }) : t("plans.account.removed"),
        ),
    });
  };
  return (
    <Card
      title={t("plans.account.title")}
      actions={
        <Link
          to={`/accounts/${accountId}/as-owner`}
          className="rounded-md px-2.5 py-1 text-sm font-medium text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50"
        >
          {t("plans.account.viewAsOwner")}
        </Link>
      }
    >
      <QueryState query={current}>
        {(c) => (
          <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
            <div className="min-w-56 flex-1">
              <SelectField
                label={t("plans.account.current")}
                value={picked ?? c.plan?.id ?? ""}
                onChange={(e) => setPicked(e.target.value)}
              >
                <option value="">{t("plans.account.none")}</option>
                {plans.data?.data.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </SelectField>
            </div>
            <Button type="submit" variant="primary" disabled={assign.isPending}>
              {t("plans.account.assign")}
            </Button>
            {c.lapsed_plan_id && (
              <p className="w-full text-sm text-amber-800">
                {t("plans.account.lapsed", { plan: c.lapsed_plan_id, at: formatTime(c.lapsed_at) })}
              </p>
            )}
            <div className="w-full">
              <FormError error={assign.error} />
            </div>
          </form>
        )}
      </QueryState>
      <h3 className="mt-4 mb-1 text-sm font-semibold">{t("plans.account.members")}</h3>
      <QueryState query={members}>
        {({ data }) =>
          data.length === 0 ? (
            <p className="text-sm text-slate-500">{t("plans.account.noMembers")}</p>
          ) : (
            <ul className="text-sm">
              {data.map((m) => (
                <li key={m.user_id}>
                  <span className="break-all">{m.email}</span>{" "}
                  <span className="text-xs text-slate-500">{t(`users.roles.${m.role}`)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </Card>
  );
}
