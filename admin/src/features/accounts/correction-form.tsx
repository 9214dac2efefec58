import { type FormEvent, useRef, useState } from "react";
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
            `${kind === "refund" ? "Refunded" : "Adjusted by"} ${formatMoney(r.amount, r.currency)}. Balance: ${formatMoney(r.balance, r.currency)}.`,
          );
          form.current?.reset();
        },
      },
    );
  };
  return (
    <form ref={form} onSubmit={submit} className="space-y-3" aria-label="Refund or adjust">
      <div className="grid gap-3 sm:grid-cols-[10rem_10rem_1fr_auto] sm:items-end">
        <SelectField
          label="Kind"
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as "refund" | "adjustment")}
        >
          <option value="refund">Refund</option>
          <option value="adjustment">Adjustment</option>
        </SelectField>
        <Field
          label={`Amount to refund or adjust (${currency})`}
          name="amount"
          required
          inputMode="decimal"
          pattern={(kind === "refund" ? POSITIVE_AMOUNT : SIGNED_AMOUNT).source}
          title={
            kind === "refund"
              ? "A positive decimal amount with at most 9 decimals"
              : "A decimal amount, negative to take money off, with at most 9 decimals"
          }
          placeholder={kind === "refund" ? "5.00" : "-2.50"}
        />
        <Field
          label="Reason (required)"
          name="note"
          required
          maxLength={500}
          placeholder="e.g. outage credit"
        />
        <Button type="submit" variant="primary" disabled={correct.isPending}>
          {kind === "refund" ? "Refund" : "Adjust"}
        </Button>
      </div>
      <FormError error={correct.error} />
    </form>
  );
}
