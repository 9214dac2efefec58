import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ledgerCsvUrl } from "../../api/accounts.ts";
import { dayRange } from "../../ui/dates.ts";
import { DownloadLink } from "../../ui/download-link.tsx";
import { Field } from "../../ui/field.tsx";

/** The account's ledger as CSV for a range of days (the panel's time zone; empty: from the start, up to now). */
export function LedgerDownload({ accountId }: { accountId: string }) {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const { t } = useTranslation();
  return (
    <fieldset className="mt-4 flex flex-wrap items-end gap-3 border-t border-slate-100 pt-3">
      <legend className="mb-1 w-full text-xs font-medium text-slate-600">
        {t("accounts.download.legend")}
      </legend>
      <Field
        label={t("accounts.download.from")}
        type="date"
        value={from}
        onChange={(e) => setFrom(e.target.value)}
      />
      <Field
        label={t("accounts.download.to")}
        type="date"
        value={to}
        onChange={(e) => setTo(e.target.value)}
      />
      <DownloadLink href={ledgerCsvUrl(accountId, dayRange(from, to))}>
        {t("accounts.download.button")}
      </DownloadLink>
    </fieldset>
  );
}
