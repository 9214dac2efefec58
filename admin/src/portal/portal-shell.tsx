import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, NavLink, Outlet, useLocation, useNavigate, useParams } from "react-router";
import { ApiError } from "../api/client.ts";
import { usePortalAccounts, usePortalMe, usePortalSignOut } from "../api/portal.ts";
import { LanguageSwitch } from "../i18n/language-switch.tsx";
import { Brand } from "../ui/brand.tsx";
import { Button, focusRing } from "../ui/button.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { PortalAccountView } from "./account-view.tsx";

/** The portal's pages need a user's browser session; without one, its sign-in page. */
export function PortalShell() {
  const me = usePortalMe();
  const accounts = usePortalAccounts();
  const signOut = usePortalSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const { t } = useTranslation();
  if (me.isPending) return <Loading label={t("shell.checkingSession")} />;
  if (me.error || !me.data.user.id) {
    if (!me.error || (me.error instanceof ApiError && me.error.status === 401))
      return <Navigate to="/portal/sign-in" replace state={{ from: location.pathname }} />;
    return (
      <div className="p-8">
        <ErrorState error={me.error} retry={() => me.refetch()} />
      </div>
    );
  }
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t("shell.skip")}
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3 sm:px-6">
          <span className="text-lg font-semibold tracking-tight">
            <Brand />
          </span>
          <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600">
            <span className="break-all">{me.data.user.email}</span>
            <LanguageSwitch />
            <Button
              size="sm"
              onClick={() =>
                signOut.mutate(undefined, { onSettled: () => navigate("/portal/sign-in", { replace: true }) })
              }
            >
              {t("shell.signOut")}
            </Button>
          </div>
        </div>
        {(accounts.data?.data.length ?? 0) > 1 && (
          <nav
            aria-label={t("portal.accounts")}
            className="mx-auto flex max-w-6xl flex-wrap gap-1 px-4 pb-2 sm:px-6"
          >
            {accounts.data?.data.map((a) => (
              <NavLink
                key={a.id}
                to={`/portal/accounts/${a.id}`}
                className={({ isActive }) =>
                  `rounded-md px-3 py-1.5 text-sm font-medium ${focusRing} ${
                    isActive ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"
                  }`
                }
              >
                {a.name}
              </NavLink>
            ))}
          </nav>
        )}
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:px-6">
        <Suspense fallback={<Loading />}>
          <Outlet context={me.data} />
        </Suspense>
      </main>
    </div>
  );
}

/** /portal: the account the session was opened for. */
export function PortalHome() {
  const me = usePortalMe().data;
  return me ? <Navigate to={`/portal/accounts/${me.account.id}`} replace /> : <Loading />;
}

export function PortalAccountPage() {
  const { id = "" } = useParams();
  return <PortalAccountView key={id} source="user" accountId={id} />;
}

/** The panel's "view as owner": the portal's page for an account, read through the admin API. */
export function AsOwnerPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  return (
    <>
      <p
        role="note"
        className="mb-4 rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-950 ring-1 ring-indigo-200"
      >
        {t("portal.asOwnerNote")}
      </p>
      <PortalAccountView source="admin" accountId={id} />
    </>
  );
}
