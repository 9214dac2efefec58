import { useTranslation } from "react-i18next";
import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { formatTime } from "../../ui/format.ts";
import { useMoney } from "../../ui/use-money.ts";

/**
 * A key's spend against its own limit: this period's (UTC day, week from Monday, month) when
 * the limit resets, else the key's lifetime spend. Amber from 80 %, red at the limit.
 */
export function SpendBar({ keyView: k, compact = false }: { keyView: KeyView; compact?: boolean }) {
  const money = useMoney();
  const { t } = useTranslation();
  if (k.spend_limit === null)
    return compact ? null : <span>{t("keys.spend.noLimit", { used: money(k.used) })}</span>;
  const ratio = k.spend_limit > 0 ? Math.min(1, k.period_spent / k.spend_limit) : 1;
  const tone = k.limit_reached ? "bg-red-600" : ratio >= 0.8 ? "bg-amber-500" : "bg-emerald-600";
  const when = k.budget_period ?? "total";
  const amounts = { spent: money(k.period_spent), limit: money(k.spend_limit) };
  return (
    <div className={compact ? "w-28" : "max-w-sm"}>
      <div
        role="progressbar"
        aria-label={t(`keys.spend.barLabel_${when}`)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(ratio * 100)}
        aria-valuetext={t("keys.spend.ofLimit", amounts)}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${tone}`} style={{ width: `${ratio * 100}%` }} />
      </div>
      {!compact && (
        <p className="mt-1 text-sm" data-testid="spend-bar-text">
          {t(`keys.spend.text_${when}`, amounts)}
          {k.limit_reached && <strong className="text-red-700">{t("keys.spend.reached")}</strong>}
          {k.period_resets_at && (
            <span className="block text-xs text-slate-500">
              {t("keys.spend.resets", { time: formatTime(k.period_resets_at) })}
            </span>
          )}
        </p>
      )}
    </div>
  );
}
