import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount } from "../../ui/format.ts";
import { axisMoney } from "../../ui/money.ts";

export type Series = { key: string; label: string; color: string };

/**
 * One chart over a time series. Tooltip values go through `format` (exact money or
 * counts); axis ticks are scale values and are only trimmed. Money is drawn as bars, or
 * as steps: a day's spend holds for the day, and no curve invents values between days.
 * A money chart's axis names the currency.
 */
export function SeriesChart({
  data,
  x,
  series,
  kind = "step",
  format,
  money = false,
  label,
}: {
  data: object[];
  x: string;
  series: Series[];
  kind?: "step" | "bar";
  format: (n: number) => string;
  /** The currency of a money chart (its axis says it). */
  money?: string | false;
  label: string;
}) {
  const common = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
      <XAxis dataKey={x} tick={{ fontSize: 11, fill: "#64748b" }} tickLine={false} minTickGap={16} />
      <YAxis
        tick={{ fontSize: 11, fill: "#64748b" }}
        tickLine={false}
        axisLine={false}
        width={money ? 72 : 40}
        allowDecimals={Boolean(money)}
        tickFormatter={(v: number) => (money ? axisMoney(v) : formatCount(v))}
        label={
          money
            ? { value: money, angle: -90, position: "insideLeft", fontSize: 11, fill: "#475569", dx: 4 }
            : undefined
        }
      />
      <Tooltip formatter={(v) => format(Number(v))} contentStyle={{ fontSize: 12, borderRadius: 8 }} />
      {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
    </>
  );
  return (
    <figure aria-label={label} className="h-56 w-full overflow-hidden">
      <ResponsiveContainer width="100%" height="100%">
        {kind === "bar" ? (
          <BarChart data={data} margin={{ top: 4, right: 4, left: 0, bottom: 0 }}>
            {common}
            {series.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.label}
                fill={s.color}
                stackId="a"
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        ) : (
          <AreaChart data={data} margin={{ top: 4, right: 4, left: 0, bottom: 0 }}>
            {common}
            {series.map((s) => (
              <Area
                key={s.key}
                type="stepAfter"
                dataKey={s.key}
                name={s.label}
                stroke={s.color}
                fill={s.color}
                fillOpacity={0.15}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}
