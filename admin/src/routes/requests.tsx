import { useSearchParams } from "react-router";
import type { RequestFilters } from "../api/requests.ts";
import { type FilterForm, RequestFilterBar } from "../features/requests/request-filters.tsx";
import { RequestTable } from "../features/requests/request-table.tsx";
import { Card, PageHeader } from "../ui/layout.tsx";

const FIELDS = ["key_id", "model", "status", "from", "to"] as const;

/** A local calendar day as an ISO instant: `from` at its start, `to` at the start of the next day. */
const dayStart = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
};

/** Filters and page live in the URL, so a filtered view can be linked and survives reloads. */
export function RequestsPage() {
  const [params, setParams] = useSearchParams();
  const form = Object.fromEntries(FIELDS.map((k) => [k, params.get(k) ?? ""])) as FilterForm;
  const offset = Number(params.get("offset") ?? 0) || 0;
  const filters: RequestFilters = {
    key_id: form.key_id || undefined,
    model: form.model || undefined,
    status: form.status || undefined,
    from: form.from ? dayStart(form.from) : undefined,
    to: form.to ? dayStart(form.to, 1) : undefined,
  };
  const set = (f: FilterForm, nextOffset = 0) => {
    const p = new URLSearchParams();
    for (const k of FIELDS) if (f[k]) p.set(k, f[k]);
    if (nextOffset) p.set("offset", String(nextOffset));
    setParams(p);
  };
  return (
    <>
      <PageHeader title="Request log">
        Every client request, newest first. Times are in your time zone.
      </PageHeader>
      <div className="space-y-4">
        <Card>
          <RequestFilterBar value={form} onChange={(f) => set(f)} />
        </Card>
        <Card>
          <RequestTable filters={filters} offset={offset} onOffset={(o) => set(form, o)} />
        </Card>
      </div>
    </>
  );
}
