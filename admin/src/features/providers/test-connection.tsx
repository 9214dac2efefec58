import { useTestProvider } from "../../api/providers.ts";
import { Button } from "../../ui/button.tsx";
import { formatMs } from "../../ui/format.ts";

export function TestConnection({ id }: { id: string }) {
  const test = useTestProvider();
  const r = test.data;
  return (
    <div className="space-y-1">
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
    </div>
  );
}
