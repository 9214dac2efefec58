import { type FormEvent, useState } from "react";
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
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const apiKey = String(f.get("api_key") ?? "");
    const done = {
      onSuccess: () => {
        notify("success", "Provider saved.");
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
    <Modal open onClose={onClose} title={provider ? `Edit provider ${provider.id}` : "Add a provider"}>
      <form onSubmit={submit} className="space-y-4" autoComplete="off">
        {!provider && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Id"
              name="id"
              required
              pattern="[a-zA-Z0-9][a-zA-Z0-9._\-]*"
              placeholder="e.g. openai-main"
            />
            <SelectField label="Kind" name="kind" defaultValue="openai">
              {KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </SelectField>
          </div>
        )}
        <Field
          label="Base URL"
          name="base_url"
          type="url"
          required
          defaultValue={provider?.base_url}
          placeholder="https://api.openai.com/v1"
        />
        <Field
          label="API key"
          name="api_key"
          type="password"
          autoComplete="new-password"
          disabled={clearKey}
          placeholder={provider?.api_key ? `Stored: ${provider.api_key}` : "Not set"}
          hint={
            provider
              ? "Write-only. Leave empty to keep the stored key."
              : "Write-only: stored encrypted, shown masked."
          }
        />
        {provider?.api_key && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={clearKey} onChange={(e) => setClearKey(e.target.checked)} />
            Remove the stored key
          </label>
        )}
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="enabled" defaultChecked={provider?.enabled ?? true} />
          Enabled
        </label>
        <FormError error={mutation.error} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={mutation.isPending}>
            {provider ? "Save" : "Add provider"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
