import { useTranslation } from "react-i18next";
import { focusRing } from "../ui/button.tsx";
import { setTimeZoneMode, type TimeZoneMode, useTimeZoneMode, zoneLabel } from "../ui/time-zone.ts";

const OPTIONS: { value: TimeZoneMode; label: "utc" | "mine" }[] = [
  { value: "utc", label: "utc" },
  { value: "local", label: "mine" },
];

/** The one time zone setting, on every page: which zone the page's times and days are in, and the switch. */
export function TimeZoneSwitch() {
  const mode = useTimeZoneMode();
  const { t } = useTranslation();
  return (
    <div className="mb-4 flex flex-wrap items-center justify-end gap-2 text-xs text-slate-600">
      <span data-testid="time-zone-note">{t("timeZone.note", { zone: zoneLabel(mode) })}</span>
      <fieldset className="inline-flex overflow-hidden rounded-md border border-slate-300">
        <legend className="sr-only">{t("timeZone.legend")}</legend>
        {OPTIONS.map((o) => (
          <label
            key={o.value}
            className={`cursor-pointer px-2 py-1 has-[:focus-visible]:ring-2 ${focusRing} ${
              mode === o.value ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-50"
            }`}
          >
            <input
              type="radio"
              name="time-zone"
              value={o.value}
              checked={mode === o.value}
              onChange={() => setTimeZoneMode(o.value)}
              className="sr-only"
            />
            {t(`timeZone.${o.label}`)}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
