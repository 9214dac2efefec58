import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useTestProvider } from "../../api/providers.ts";
import { Button } from "../../ui/button.tsx";
import { formatMs } from "../../ui/format.ts";
import { AddModelsDialog } from "./add-models-dialog.tsx";
import { UpstreamModelList } from "./upstream-model-list.tsx";

/** Test connection: lists the upstream's models, from which the chosen ones are added as models. */
export function TestConnection({ id }: { id: string }) {
  const test = useTestProvider();
  const [adding, setAdding] = useState<string[] | null>(null);
  const r = test.data;
  const { t } = useTranslation();
  return (
    <div className="space-y-2">
      <Button
        size="sm"
        disabled={test.isPending}
        onClick={() => test.mutate(id)}
        aria-label={t("providers.test.label", { id })}
      >
        {test.isPending ? t("providers.test.testing") : t("providers.test.button")}
      </Button>
      <p aria-live="polite" className="text-xs">
        {r && (
          <span className={r.ok ? "text-emerald-700" : "text-red-700"}>
            {r.ok ? t("providers.test.ok") : t("providers.test.failed")} · {formatMs(r.latency_ms)} ·{" "}
            {r.message}
          </span>
        )}
        {test.error && <span className="text-red-700">{test.error.message}</span>}
      </p>
      {r?.models && r.models.length > 0 && (
        <UpstreamModelList provider={id} models={r.models} onAdd={setAdding} />
      )}
      {adding && <AddModelsDialog provider={id} upstream={adding} onClose={() => setAdding(null)} />}
    </div>
  );
}
