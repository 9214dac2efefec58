import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ModelView } from "../../../../server/admin/models/model.ts";
import { useAccounts } from "../../api/accounts.ts";
import { useIssueKey } from "../../api/keys.ts";
import { useModels } from "../../api/models.ts";
import { useSettings } from "../../api/session.ts";
import { Button } from "../../ui/button.tsx";
import { Modal } from "../../ui/dialog.tsx";
import { Field, FormError, SelectField } from "../../ui/field.tsx";
import { Loading } from "../../ui/states.tsx";
import { useToast } from "../../ui/toast.tsx";
import { ConnectionDetails } from "../connect/connection-details.tsx";
import { LimitsFields, readLimits } from "./limits-fields.tsx";
import { PlainKey } from "./plain-key.tsx";

/** The model the examples call: one the key may use, an enabled chat model first. */
function exampleModel(allowed: string[] | null, models: ModelView[]): string {
  const usable = models.filter((m) => m.enabled && (!allowed || allowed.includes(m.id)));
  return usable.find((m) => m.kind === "chat")?.id ?? usable[0]?.id ?? allowed?.[0] ?? "MODEL_ID";
}

/** Issue a key; afterwards the same dialog shows the plain key, once, and how to connect. */
export function IssueKeyDialog({
  open,
  onClose,
  accountId,
}: {
  open: boolean;
  onClose: () => void;
  accountId?: string;
}) {
  const accounts = useAccounts();
  const models = useModels();
  const currency = useSettings().data?.currency ?? "";
  const issue = useIssueKey();
  const notify = useToast();
  const { t } = useTranslation();
  const [issued, setIssued] = useState<{ key: string; name: string; model: string } | null>(null);

  const close = () => {
    setIssued(null);
    issue.reset();
    onClose();
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    issue.mutate(
      { account_id: String(f.get("account_id")), name: String(f.get("name")), ...readLimits(f) },
      {
        onSuccess: (k) => {
          setIssued({ key: k.key, name: k.name, model: exampleModel(k.models, models.data?.data ?? []) });
          notify("success", t("keys.issueDialog.issued", { name: k.name }));
        },
      },
    );
  };

  return (
    <Modal
      open={open}
      onClose={close}
      title={issued ? t("keys.issueDialog.titleDone") : t("keys.issueDialog.title")}
      wide
    >
      {issued ? (
        <PlainKey value={issued.key} name={issued.name} onDone={close}>
          <ConnectionDetails apiKey={issued.key} model={issued.model} />
        </PlainKey>
      ) : accounts.isPending || models.isPending ? (
        <Loading />
      ) : accounts.data?.data.length === 0 ? (
        <p className="text-sm text-slate-600">{t("keys.issueDialog.noAccount")}</p>
      ) : (
        <form onSubmit={submit} className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label={t("keys.issueDialog.account")}
              name="account_id"
              required
              defaultValue={accountId}
            >
              {accounts.data?.data.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </SelectField>
            <Field
              label={t("keys.issueDialog.name")}
              name="name"
              required
              maxLength={200}
              placeholder={t("keys.issueDialog.namePlaceholder")}
            />
          </div>
          <LimitsFields models={models.data?.data ?? []} currency={currency} />
          <FormError error={issue.error} />
          <div className="flex justify-end gap-2">
            <Button onClick={close}>{t("common.cancel")}</Button>
            <Button type="submit" variant="primary" disabled={issue.isPending}>
              {issue.isPending ? t("keys.issueDialog.issuing") : t("keys.issueDialog.submit")}
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
