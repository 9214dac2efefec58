import { Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useNavigate } from "react-router";
import { useSession, useSettings, useSignOut } from "../api/session.ts";
import { LanguageSwitch } from "../i18n/language-switch.tsx";
import { Brand } from "../ui/brand.tsx";
import { Button, focusRing } from "../ui/button.tsx";
import { Loading } from "../ui/states.tsx";
import { useTimeZoneMode } from "../ui/time-zone.ts";
import { TimeZoneSwitch } from "./time-zone-switch.tsx";

const NAV = [
  { to: "/", label: "overview", end: true },
  { to: "/keys", label: "keys" },
  { to: "/accounts", label: "accounts" },
  { to: "/models", label: "models" },
  { to: "/providers", label: "providers" },
  { to: "/requests", label: "requests" },
  { to: "/alerts", label: "alerts" },
  { to: "/admins", label: "admins" },
] as const;

/** Users, the outbox and plans (identity-en.ts names them). */
const IDENTITY_NAV = [
  { to: "/users", label: "users" },
  { to: "/outbox", label: "outbox" },
  { to: "/plans", label: "plans" },
] as const;

function Nav({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("nav.main")} className="flex flex-col gap-0.5">
      {[
        ...NAV.map((n) => ({ ...n, text: t(`nav.${n.label}`) })),
        ...IDENTITY_NAV.map((n) => ({ ...n, text: t(`identityNav.${n.label}`) })),
        { to: "/apps", label: "apps", text: t("apps.nav") },
      ].map((n) => (
        <NavLink
          key={n.to}
          to={n.to}
          end={"end" in n}
          onClick={onNavigate}
          className={({ isActive }) =>
            `rounded-md px-3 py-2 text-sm font-medium ${focusRing} ${
              isActive ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"
            }`
          }
        >
          {n.text}
        </NavLink>
      ))}
    </nav>
  );
}

function Who() {
  const session = useSession().data;
  const settings = useSettings().data;
  const signOut = useSignOut();
  const navigate = useNavigate();
  const { t } = useTranslation();
  return (
    <div className="space-y-2 border-t border-slate-200 pt-3 text-xs text-slate-500">
      <p>
        {session?.user ? t("shell.signedInAs", { name: session.user.username }) : t("shell.signedInToken")}
        {settings && (
          <>
            <br />
            {t("shell.currency", { currency: settings.currency, version: settings.version })}
          </>
        )}
      </p>
      <LanguageSwitch />
      <Button
        size="sm"
        className="w-full"
        onClick={() =>
          signOut.mutate(undefined, { onSettled: () => navigate("/sign-in", { replace: true }) })
        }
      >
        {t("shell.signOut")}
      </Button>
    </div>
  );
}

/** Sidebar at desktop widths; a top bar with a menu button on phones. */
export function Shell() {
  const [open, setOpen] = useState(false);
  const { t } = useTranslation();
  const zone = useTimeZoneMode();
  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        {t("shell.skip")}
      </a>
      <aside className="hidden w-56 shrink-0 flex-col justify-between border-r border-slate-200 bg-white p-3 lg:sticky lg:top-0 lg:flex lg:h-screen">
        <div>
          <div className="mb-4 px-3 pt-1 text-lg font-semibold tracking-tight">
            <Brand />
          </div>
          <Nav />
        </div>
        <Who />
      </aside>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white lg:hidden">
        <div className="flex items-center justify-between px-4 py-2.5">
          <span className="text-lg font-semibold tracking-tight">
            <Brand />
          </span>
          <Button size="sm" aria-expanded={open} aria-controls="mobile-nav" onClick={() => setOpen(!open)}>
            {open ? t("shell.close") : t("shell.menu")}
          </Button>
        </div>
        {open && (
          <div id="mobile-nav" className="space-y-3 border-t border-slate-200 px-3 py-3">
            <Nav onNavigate={() => setOpen(false)} />
            <Who />
          </div>
        )}
      </header>
      <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-8">
        <div className="mx-auto max-w-6xl">
          <TimeZoneSwitch />
          {/* Keyed by the zone: a switch re-renders every time on the page in the new zone. */}
          <Suspense key={zone} fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </div>
      </main>
    </div>
  );
}
