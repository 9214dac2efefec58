import { useTranslation } from "react-i18next";

/** The product name, "Toll" and an indigo "gate". */
export function Brand() {
  const { t } = useTranslation();
  return (
    <>
      {t("brand.toll")}
      <span className="text-indigo-600">{t("brand.gate")}</span>
    </>
  );
}
