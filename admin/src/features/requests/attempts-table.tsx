import { useTranslation } from "react-i18next";
import type { RequestView } from "../../../../server/admin/requests/model.ts";
import { formatMs } from "../../ui/format.ts";
import { Badge, Table, td, th } from "../../ui/layout.tsx";

/** The upstream attempts of one request, in order: which route, what it answered, how long it took. */
export function AttemptsTable({
  attempts,
  model,
}: {
  attempts: RequestView["attempts"];
  model: string | null;
}) {
  const { t } = useTranslation();
  return (
    <Table label={t("requests.attempts.label")}>
      <thead>
        <tr>
          <th className={th}>#</th>
          <th className={th}>{t("requests.attempts.route")}</th>
          <th className={th}>{t("requests.attempts.status")}</th>
          <th className={`${th} text-right`}>{t("requests.attempts.latency")}</th>
          <th className={th}>{t("requests.attempts.why")}</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: attempts are an ordered, never-reordered list
          <tr key={i} data-testid="attempt-row">
            <td className={`${td} tabular-nums`}>{i + 1}</td>
            <td className={`${td} break-all`}>
              <span className="font-medium">{a.provider}</span> → {a.model}
              {a.publicModel && a.publicModel !== model && (
                <span className="block text-xs text-slate-500">
                  {t("requests.attempts.fallback", { model: a.publicModel })}
                </span>
              )}
              {a.retry && (
                <span className="block text-xs text-slate-500">{t("requests.attempts.retry")}</span>
              )}
            </td>
            <td className={`${td} whitespace-nowrap`}>
              {a.status === null ? (
                <Badge tone="red">{t("requests.attempts.noAnswer")}</Badge>
              ) : (
                <Badge tone={a.status < 400 ? "green" : a.status === 429 ? "amber" : "red"}>{a.status}</Badge>
              )}
              {/* What the upstream itself said, when it differs from what the client got (its 503 is our 502). */}
              {a.upstreamStatus != null && a.upstreamStatus !== a.status && (
                <span className="block text-xs text-slate-500">
                  {t("requests.attempts.upstream", { status: a.upstreamStatus })}
                </span>
              )}
            </td>
            <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{formatMs(a.latencyMs)}</td>
            <td className={`${td} min-w-48 break-words text-slate-700`}>
              {a.message && <span className="block">{a.message}</span>}
              {a.error && <span className="block font-mono text-xs text-slate-500">{a.error}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
