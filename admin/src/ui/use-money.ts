import { useSettings } from "../api/session.ts";
import { formatMoney } from "./money.ts";

/** Formats in the deployment currency (from /admin/api/settings). */
export function useMoney(): (n: number) => string {
  const currency = useSettings().data?.currency ?? "";
  return (n: number) => formatMoney(n, currency).trimEnd();
}
