import { useTranslation } from "react-i18next";
import { Button } from "./button.tsx";
import { formatCount } from "./format.ts";

/** "1–20 of 57" with Previous / Next, for a list served a page at a time. */
export function Pager({
  label,
  offset,
  size,
  shown,
  total,
  onOffset,
}: {
  /** The nav's accessible name. */
  label: string;
  offset: number;
  /** Rows per page. */
  size: number;
  /** Rows on this page. */
  shown: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <nav aria-label={label} className="mt-3 flex items-center justify-between gap-2 text-sm text-slate-600">
      <span>
        {t("pager.range", {
          from: formatCount(offset + 1),
          to: formatCount(offset + shown),
          total: formatCount(total),
        })}
      </span>
      <div className="flex gap-2">
        <Button size="sm" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - size))}>
          {t("pager.previous")}
        </Button>
        <Button size="sm" disabled={offset + size >= total} onClick={() => onOffset(offset + size)}>
          {t("pager.next")}
        </Button>
      </div>
    </nav>
  );
}
