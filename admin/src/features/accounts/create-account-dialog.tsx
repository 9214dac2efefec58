import type { FormEvent } from "react";
import { useNavigate } from "react-router";
import { useCreateAccount } from "../../api/accounts.ts";
import { useSettings } from "../../api/session.ts";
import { Button } from "../../ui/button.tsx";
import { Modal } from "../../ui/dialog.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { AMOUNT_PATTERN } from "../../ui/money.ts";
import { useToast } from "../../ui/toast.tsx";

export function CreateAccountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateAccount();
  const currency = useSettings().data?.currency ?? "";
  const notify = useToast();
  const navigate = useNavigate();
  const close = () => {
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const balance = String(f.get("balance") ?? "").trim();
    create.mutate(
      { name: String(f.get("name")), ...(balance ? { balance } : {}) },
      {
        onSuccess: (a) => {
          notify("success", `Account "${a.name}" created.`);
          close();
          navigate(`/accounts/${a.id}`);
        },
      },
    );
  };
  return (
    <Modal open={open} onClose={close} title="Create an account">
      <form onSubmit={submit} className="space-y-4">
        <Field label="Name" name="name" required maxLength={200} placeholder="e.g. Acme Corp" />
        <Field
          label={`Opening balance (${currency})`}
          name="balance"
          inputMode="decimal"
          pattern={AMOUNT_PATTERN.source}
          title="A decimal amount with at most 9 decimals"
          placeholder="0"
          hint="Optional; you can top up later."
        />
        <FormError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            Create account
          </Button>
        </div>
      </form>
    </Modal>
  );
}
