import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Empty } from "../ui/states.tsx";

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Empty title={t("notFound.title")}>
      <Link to="/" className="text-indigo-700 underline">
        {t("notFound.home")}
      </Link>
    </Empty>
  );
}
