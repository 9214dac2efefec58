import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation();
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
          notify("success", t("accounts.createDialog.created", { name: a.name }));
          close();
          navigate(`/accounts/${a.id}`);
        },
      },
    );
  };
  return (
    <Modal open={open} onClose={close} title={t("accounts.createDialog.title")}>
      <form onSubmit={submit} className="space-y-4">
        <Field
          label={t("accounts.createDialog.name")}
          name="name"
          required
          maxLength={200}
          placeholder={t("accounts.createDialog.namePlaceholder")}
        />
        <Field
          label={t("accounts.createDialog.balance", { currency })}
          name="balance"
          inputMode="decimal"
          pattern={AMOUNT_PATTERN.source}
          title={t("common.amountTitle")}
          placeholder="0"
          hint={t("accounts.createDialog.balanceHint")}
        />
        <FormError error={create.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={close}>{t("common.cancel")}</Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {t("accounts.createDialog.submit")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
