import { useTranslation } from "react-i18next";
import { Navigate, Outlet, useLocation } from "react-router";
import { ApiError } from "../api/client.ts";
import { useSession } from "../api/session.ts";
import { ErrorState, Loading } from "../ui/states.tsx";

/** Pages behind sign-in: no session sends you to /sign-in and back here afterwards. */
export function RequireSession() {
  const session = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (session.isPending)
    return (
      <div className="p-8">
        <Loading label={t("shell.checkingSession")} />
      </div>
    );
  if (session.error) {
    if (session.error instanceof ApiError && session.error.status === 401) {
      const next = location.pathname + location.search;
      return <Navigate to={`/sign-in${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`} replace />;
    }
    return (
      <div className="p-8">
        <ErrorState error={session.error} retry={() => session.refetch()} />
      </div>
    );
  }
  return <Outlet />;
}
