import { useState } from "react";
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
  return (
    <div className="space-y-2">
      <Button
        size="sm"
        disabled={test.isPending}
        onClick={() => test.mutate(id)}
        aria-label={`Test connection to ${id}`}
      >
        {test.isPending ? "Testing…" : "Test connection"}
      </Button>
      <p aria-live="polite" className="text-xs">
        {r && (
          <span className={r.ok ? "text-emerald-700" : "text-red-700"}>
            {r.ok ? "OK" : "Failed"} · {formatMs(r.latency_ms)} · {r.message}
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
