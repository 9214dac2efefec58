import type { FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { useUpdateKey } from "../../api/keys.ts";
import { useModels } from "../../api/models.ts";
import { useSettings } from "../../api/session.ts";
import { Button } from "../../ui/button.tsx";
import { Modal } from "../../ui/dialog.tsx";
import { Field, FormError } from "../../ui/field.tsx";
import { useToast } from "../../ui/toast.tsx";
import { LimitsFields, readLimits } from "./limits-fields.tsx";

export function EditLimitsDialog({
  keyView,
  open,
  onClose,
}: {
  keyView: KeyView;
  open: boolean;
  onClose: () => void;
}) {
  const update = useUpdateKey(keyView.id);
  const models = useModels();
  const currency = useSettings().data?.currency ?? "";
  const notify = useToast();
  const { t } = useTranslation();
  const close = () => {
    update.reset();
    onClose();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    update.mutate(
      { name: String(f.get("name")), ...readLimits(f) },
      {
        onSuccess: () => {
          notify("success", t("keys.editDialog.saved"));
          close();
        },
      },
    );
  };
  return (
    <Modal open={open} onClose={close} title={t("keys.editDialog.title", { name: keyView.name })} wide>
      <form onSubmit={submit} className="space-y-4">
        <Field
          label={t("keys.editDialog.name")}
          name="name"
          required
          maxLength={200}
          defaultValue={keyView.name}
        />
        <LimitsFields keyView={keyView} models={models.data?.data ?? []} currency={currency} />
        <FormError error={update.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={close}>{t("common.cancel")}</Button>
          <Button type="submit" variant="primary" disabled={update.isPending}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
