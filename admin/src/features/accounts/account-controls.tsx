import type { FormEvent } from "react";
import type { AccountView } from "../../../../server/admin/accounts/model.ts";
import { useUpdateAccount } from "../../api/accounts.ts";
import { Button } from "../../ui/button.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { Badge } from "../../ui/layout.tsx";
import { AMOUNT_PATTERN, decimalText } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";

export function AccountStatus({ account }: { account: Pick<AccountView, "status" | "low"> }) {
  if (account.status === "suspended") return <Badge tone="amber">suspended</Badge>;
  if (account.low) return <Badge tone="red">running low</Badge>;
  return <Badge tone="green">active</Badge>;
}

/** Suspend (its keys are refused with 403 account_suspended) or resume. */
export function SuspendAccountButton({ account }: { account: AccountView }) {
  const update = useUpdateAccount(account.id);
  const notify = useToast();
  const suspended = account.status === "suspended";
  return (
    <Button
      disabled={update.isPending}
      variant={suspended ? "primary" : "secondary"}
      onClick={() =>
        update.mutate(
          { status: suspended ? "active" : "suspended" },
          {
            onSuccess: () =>
              notify("success", `Account "${account.name}" ${suspended ? "resumed" : "suspended"}.`),
            onError: (e) => notify("error", e.message),
          },
        )
      }
    >
      {suspended ? "Resume account" : "Suspend account"}
    </Button>
  );
}

/** Below this balance the account is listed on the Overview as running low, and alerted. */
export function ThresholdForm({ account }: { account: AccountView }) {
  const update = useUpdateAccount(account.id);
  const notify = useToast();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get("threshold") ?? "").trim();
    update.mutate(
      { low_balance_threshold: v === "" ? null : v },
      { onSuccess: () => notify("success", v === "" ? "Threshold removed." : "Threshold saved.") },
    );
  };
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Low-balance threshold">
      <div className="grid gap-3 sm:grid-cols-[16rem_auto] sm:items-end">
        <Field
          label={`Low-balance threshold (${account.currency})`}
          name="threshold"
          inputMode="decimal"
          pattern={AMOUNT_PATTERN.source}
          title="A decimal amount with at most 9 decimals; empty: never warn"
          placeholder="No threshold"
          defaultValue={
            account.low_balance_threshold === null ? "" : decimalText(account.low_balance_threshold)
          }
          hint="Below it: listed on the Overview and alerted (Alerts page)."
        />
        <Button type="submit" disabled={update.isPending}>
          Save threshold
        </Button>
      </div>
      <FormError error={update.error} />
    </form>
  );
}
