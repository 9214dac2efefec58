import { type FormEvent, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useTopup } from "../../api/accounts.ts";
import { useSettings } from "../../api/session.ts";
import { Button } from "../../ui/button.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { AMOUNT_PATTERN, formatMoney } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";

export function TopupForm({ accountId }: { accountId: string }) {
  const topup = useTopup(accountId);
  const currency = useSettings().data?.currency ?? "";
  const notify = useToast();
  const { t } = useTranslation();
  const form = useRef<HTMLFormElement>(null);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const note = String(f.get("note") ?? "").trim();
    topup.mutate(
      { amount: String(f.get("amount")).trim(), ...(note ? { note } : {}) },
      {
        onSuccess: (r) => {
          notify(
            "success",
            t("accounts.topup.done", {
              amount: formatMoney(r.amount, r.currency),
              balance: formatMoney(r.balance, r.currency),
            }),
          );
          form.current?.reset();
        },
      },
    );
  };
  return (
    <form ref={form} onSubmit={submit} className="space-y-3" aria-label={t("accounts.topup.form")}>
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr_auto] sm:items-end">
        <Field
          label={t("accounts.topup.amount", { currency })}
          name="amount"
          required
          inputMode="decimal"
          pattern={AMOUNT_PATTERN.source}
          title={t("accounts.topup.title")}
          placeholder="25.00"
        />
        <Field
          label={t("accounts.topup.note")}
          name="note"
          maxLength={500}
          placeholder={t("accounts.topup.notePlaceholder")}
        />
        <Button type="submit" variant="primary" disabled={topup.isPending}>
          {t("accounts.topup.submit")}
        </Button>
      </div>
      <FormError error={topup.error} />
    </form>
  );
}
