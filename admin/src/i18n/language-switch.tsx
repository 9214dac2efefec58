import { useId } from "react";
import { useTranslation } from "react-i18next";
import { inputClass } from "../ui/field.tsx";
import { changeLanguage, LANGUAGES, type Language } from "./index.ts";

/** The panel's language: a labelled select, remembered in this browser. */
export function LanguageSwitch({ className = "" }: { className?: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className={`flex items-center gap-2 ${className}`}>
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {t("language.label")}
      </label>
      <select
        id={id}
        className={`${inputClass} w-auto py-1`}
        value={i18n.language}
        onChange={(e) => void changeLanguage(e.target.value as Language)}
      >
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
