import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { type RequestFilters, requestsCsvUrl } from "../api/requests.ts";
import { FILTER_FIELDS, type FilterForm, RequestFilterBar } from "../features/requests/request-filters.tsx";
import { RequestTable } from "../features/requests/request-table.tsx";
import { dayRange } from "../ui/dates.ts";
import { DownloadLink } from "../ui/download-link.tsx";
import { Card, PageHeader } from "../ui/layout.tsx";
import { zoneLabel } from "../ui/time-zone.ts";

/** Filters and page live in the URL, so a filtered view can be linked and survives reloads. */
export function RequestsPage() {
  const [params, setParams] = useSearchParams();
  const { t } = useTranslation();
  const form = Object.fromEntries(FILTER_FIELDS.map((k) => [k, params.get(k) ?? ""])) as FilterForm;
  const offset = Number(params.get("offset") ?? 0) || 0;
  const filters: RequestFilters = {
    q: form.q || undefined,
    key_id: form.key_id || undefined,
    model: form.model || undefined,
    status_class: form.status_class || undefined,
    status: form.status || undefined,
    ...dayRange(form.from, form.to),
  };
  const set = (f: FilterForm, nextOffset = 0) => {
    const p = new URLSearchParams();
    for (const k of FILTER_FIELDS) if (f[k]) p.set(k, f[k]);
    if (nextOffset) p.set("offset", String(nextOffset));
    setParams(p);
  };
  return (
    <>
      <PageHeader
        title={t("requests.title")}
        actions={<DownloadLink href={requestsCsvUrl(filters)}>{t("requests.csv")}</DownloadLink>}
      >
        {t("requests.intro", { zone: zoneLabel() })}
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
