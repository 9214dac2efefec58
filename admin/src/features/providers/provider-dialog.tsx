import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ProviderView } from "../../../../server/admin/providers/model.ts";
import { useCreateProvider, useUpdateProvider } from "../../api/providers.ts";
import { Button } from "../../ui/button.tsx";
import { Modal } from "../../ui/dialog.tsx";
import { Field, FormError, SelectField } from "../../ui/field.tsx";
import { useToast } from "../../ui/toast.tsx";

const KINDS = ["openai", "anthropic", "gemini", "gigachat", "yandex"] as const;

/**
 * Add or edit a provider. The API key is write-only: the form never holds the stored
 * key (only its mask is known); an empty field keeps it, "remove" clears it.
 */
export function ProviderDialog({
  provider,
  onClose,
}: {
  provider: ProviderView | null;
  onClose: () => void;
}) {
  const create = useCreateProvider();
  const update = useUpdateProvider(provider?.id ?? "");
  const mutation = provider ? update : create;
  const notify = useToast();
  const [clearKey, setClearKey] = useState(false);
  const { t } = useTranslation();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const apiKey = String(f.get("api_key") ?? "");
    const done = {
      onSuccess: () => {
        notify("success", t("providers.dialog.saved"));
        onClose();
      },
    };
    const enabled = f.get("enabled") === "on";
    if (provider) {
      update.mutate(
        {
          base_url: String(f.get("base_url")),
          enabled,
          ...(clearKey ? { api_key: null } : apiKey ? { api_key: apiKey } : {}),
        },
        done,
      );
    } else {
      create.mutate(
        {
          id: String(f.get("id")),
          kind: String(f.get("kind")) as (typeof KINDS)[number],
          base_url: String(f.get("base_url")),
          enabled,
          ...(apiKey ? { api_key: apiKey } : {}),
        },
        done,
      );
    }
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={provider ? t("providers.dialog.editTitle", { id: provider.id }) : t("providers.dialog.addTitle")}
    >
      <form onSubmit={submit} className="space-y-4" autoComplete="off">
        {!provider && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label={t("providers.dialog.id")}
              name="id"
              required
              pattern="[a-zA-Z0-9][a-zA-Z0-9._\-]*"
              placeholder={t("providers.dialog.idPlaceholder")}
            />
            <SelectField label={t("providers.kind")} name="kind" defaultValue="openai">
              {KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </SelectField>
          </div>
        )}
        <Field
          label={t("providers.baseUrl")}
          name="base_url"
          type="url"
          required
          defaultValue={provider?.base_url}
          placeholder="https://api.openai.com/v1"
        />
        <Field
          label={t("providers.apiKey")}
          name="api_key"
          type="password"
          autoComplete="new-password"
          disabled={clearKey}
          placeholder={
            provider?.api_key
              ? t("providers.dialog.stored", { mask: provider.api_key })
              : t("providers.dialog.notSet")
          }
          hint={provider ? t("providers.dialog.keyHintEdit") : t("providers.dialog.keyHintNew")}
        />
        {provider?.api_key && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={clearKey} onChange={(e) => setClearKey(e.target.checked)} />
            {t("providers.dialog.removeKey")}
          </label>
        )}
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="enabled" defaultChecked={provider?.enabled ?? true} />
          {t("common.enabled")}
        </label>
        <FormError error={mutation.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="submit" variant="primary" disabled={mutation.isPending}>
            {provider ? t("common.save") : t("providers.dialog.submitNew")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
