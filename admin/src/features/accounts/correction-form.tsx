import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useCorrection } from "../../api/accounts.ts";
import { useSettings } from "../../api/session.ts";
import { Button } from "../../ui/button.tsx";
import { Field, FormError, SelectField } from "../../ui/field.tsx";
import { formatMoney } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";

/** Signed for an adjustment (a correction either way), positive for a refund; both need a note. */
const SIGNED_AMOUNT = /^-?\d+(\.\d{1,9})?$/;
const POSITIVE_AMOUNT = /^\d+(\.\d{1,9})?$/;

export function CorrectionForm({ accountId }: { accountId: string }) {
  const correct = useCorrection(accountId);
  const currency = useSettings().data?.currency ?? "";
  const notify = useToast();
  const { t } = useTranslation();
  const form = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState<"refund" | "adjustment">("refund");
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    correct.mutate(
      { kind, amount: String(f.get("amount")).trim(), note: String(f.get("note") ?? "").trim() },
      {
        onSuccess: (r) => {
          notify(
            "success",
            t(kind === "refund" ? "accounts.correction.refunded" : "accounts.correction.adjusted", {
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
    <form ref={form} onSubmit={submit} className="space-y-3" aria-label={t("accounts.correction.form")}>
      <div className="grid gap-3 sm:grid-cols-[10rem_10rem_1fr_auto] sm:items-end">
        <SelectField
          label={t("accounts.correction.kind")}
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as "refund" | "adjustment")}
        >
          <option value="refund">{t("accounts.correction.refund")}</option>
          <option value="adjustment">{t("accounts.correction.adjustment")}</option>
        </SelectField>
        <Field
          label={t("accounts.correction.amount", { currency })}
          name="amount"
          required
          inputMode="decimal"
          pattern={(kind === "refund" ? POSITIVE_AMOUNT : SIGNED_AMOUNT).source}
          title={
            kind === "refund" ? t("accounts.correction.refundTitle") : t("accounts.correction.adjustTitle")
          }
          placeholder={kind === "refund" ? "5.00" : "-2.50"}
        />
        <Field
          label={t("accounts.correction.reason")}
          name="note"
          required
          maxLength={500}
          placeholder={t("accounts.correction.reasonPlaceholder")}
        />
        <Button type="submit" variant="primary" disabled={correct.isPending}>
          {kind === "refund" ? t("accounts.correction.submitRefund") : t("accounts.correction.submitAdjust")}
        </Button>
      </div>
      <FormError error={correct.error} />
    </form>
  );
}
