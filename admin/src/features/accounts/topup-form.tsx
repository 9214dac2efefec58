import { type FormEvent, useRef } from "react";
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
            `Topped up ${formatMoney(r.amount, r.currency)}. Balance: ${formatMoney(r.balance, r.currency)}.`,
          );
          form.current?.reset();
        },
      },
    );
  };
  return (
    <form ref={form} onSubmit={submit} className="space-y-3" aria-label="Top up">
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr_auto] sm:items-end">
        <Field
          label={`Amount (${currency})`}
          name="amount"
          required
          inputMode="decimal"
          pattern={AMOUNT_PATTERN.source}
          title="A positive decimal amount with at most 9 decimals"
          placeholder="25.00"
        />
        <Field label="Note" name="note" maxLength={500} placeholder="e.g. invoice 2026-014" />
        <Button type="submit" variant="primary" disabled={topup.isPending}>
          Top up
        </Button>
      </div>
      <FormError error={topup.error} />
    </form>
  );
}
