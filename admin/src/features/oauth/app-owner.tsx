import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client.ts";
import type { UserView } from "../../api/identity.ts";

/**
 * Who registered an app: an admin (no owner), or a user for their own, named by e-mail
 * (one cached GET per owner; few apps are users' own). The id stands in until it loads.
 */
export function AppOwner({ userId }: { userId: string | null }) {
  const { t } = useTranslation();
  const user = useQuery({
    queryKey: ["identity", "user", userId],
    queryFn: () => api<UserView>(`/users/${userId}`),
    enabled: userId !== null,
    staleTime: 60_000,
  });
  if (userId === null) return <>{t("apps.operator")}</>;
  return (
    <Link to="/users" className="break-all text-indigo-700 hover:underline">
      {t("apps.byUser", { who: user.data?.email ?? userId })}
    </Link>
  );
}
