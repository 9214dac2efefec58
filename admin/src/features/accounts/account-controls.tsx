import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { AccountView } from "../../../../server/admin/accounts/model.ts";
import { useUpdateAccount } from "../../api/accounts.ts";
import { Button } from "../../ui/button.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { Badge } from "../../ui/layout.tsx";
import { AMOUNT_PATTERN, decimalText } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";

export function AccountStatus({ account }: { account: Pick<AccountView, "status" | "low"> }) {
  const { t } = useTranslation();
  if (account.status === "suspended") return <Badge tone="amber">{t("accounts.status.suspended")}</Badge>;
  if (account.low) return <Badge tone="red">{t("accounts.status.low")}</Badge>;
  return <Badge tone="green">{t("accounts.status.active")}</Badge>;
}

/** Suspend (its keys are refused with 403 account_suspended) or resume. */
export function SuspendAccountButton({ account }: { account: AccountView }) {
  const update = useUpdateAccount(account.id);
  const notify = useToast();
  const suspended = account.status === "suspended";
  const { t } = useTranslation();
  return (
    <Button
      disabled={update.isPending}
      variant={suspended ? "primary" : "secondary"}
      onClick={() =>
        update.mutate(
          { status: suspended ? "active" : "suspended" },
          {
            onSuccess: () =>
              notify(
                "success",
                t(suspended ? "accounts.suspend.resumed" : "accounts.suspend.suspended", {
                  name: account.name,
                }),
              ),
            onError: (e) => notify("error", e.message),
          },
        )
      }
    >
      {suspended ? t("accounts.suspend.resume") : t("accounts.suspend.suspend")}
    </Button>
  );
}

/** Below this balance the account is listed on the Overview as running low, and alerted. */
export function ThresholdForm({ account }: { account: AccountView }) {
  const update = useUpdateAccount(account.id);
  const notify = useToast();
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get("threshold") ?? "").trim();
    update.mutate(
      { low_balance_threshold: v === "" ? null : v },
      {
        onSuccess: () =>
          notify("success", v === "" ? t("accounts.threshold.removed") : t("accounts.threshold.saved")),
      },
    );
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label={t("accounts.threshold.form")}>
      <div className="grid gap-3 sm:grid-cols-[16rem_auto] sm:items-end">
        <Field
          label={t("accounts.threshold.label", { currency: account.currency })}
          name="threshold"
          inputMode="decimal"
          pattern={AMOUNT_PATTERN.source}
          title={t("accounts.threshold.title")}
          placeholder={t("accounts.threshold.none")}
          defaultValue={
            account.low_balance_threshold === null ? "" : decimalText(account.low_balance_threshold)
          }
          hint={t("accounts.threshold.hint")}
        />
        <Button type="submit" disabled={update.isPending}>
          {t("accounts.threshold.save")}
        </Button>
      </div>
      <FormError error={update.error} />
    </form>
  );
}
