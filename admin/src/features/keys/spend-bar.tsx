import type { KeyView } from "../../../../server/admin/keys/model.ts";
import { formatTime } from "../../ui/format.ts";
import { useMoney } from "../../ui/use-money.ts";

const PERIOD_WORD = { daily: "today", weekly: "this week", monthly: "this month" } as const;

/**
 * A key's spend against its own limit: this period's (UTC day, week from Monday, month) when
 * the limit resets, else the key's lifetime spend. Amber from 80 %, red at the limit.
 */
export function SpendBar({ keyView: k, compact = false }: { keyView: KeyView; compact?: boolean }) {
  const money = useMoney();
  if (k.spend_limit === null) return compact ? null : <span>{money(k.used)} (no limit)</span>;
  const ratio = k.spend_limit > 0 ? Math.min(1, k.period_spent / k.spend_limit) : 1;
  const tone = k.limit_reached ? "bg-red-600" : ratio >= 0.8 ? "bg-amber-500" : "bg-emerald-600";
  const when = k.budget_period ? PERIOD_WORD[k.budget_period] : "in total";
  return (
    <div className={compact ? "w-28" : "max-w-sm"}>
      <div
        role="progressbar"
        aria-label={`Spend ${when} against the limit`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(ratio * 100)}
        aria-valuetext={`${money(k.period_spent)} of ${money(k.spend_limit)}`}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${tone}`} style={{ width: `${ratio * 100}%` }} />
      </div>
      {!compact && (
        <p className="mt-1 text-sm" data-testid="spend-bar-text">
          {money(k.period_spent)} of {money(k.spend_limit)} {when}
          {k.limit_reached && <strong className="text-red-700"> · limit reached</strong>}
          {k.period_resets_at && (
            <span className="block text-xs text-slate-500">Resets {formatTime(k.period_resets_at)}</span>
          )}
        </p>
      )}
    </div>
  );
}
