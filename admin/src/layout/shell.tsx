import { Suspense, useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { useSession, useSettings, useSignOut } from "../api/session.ts";
import { Button, focusRing } from "../ui/button.tsx";
import { Loading } from "../ui/states.tsx";
import { useTimeZoneMode } from "../ui/time-zone.ts";
import { TimeZoneSwitch } from "./time-zone-switch.tsx";

const NAV = [
  { to: "/", label: "Overview", end: true },
  { to: "/keys", label: "Keys" },
  { to: "/accounts", label: "Accounts" },
  { to: "/models", label: "Models" },
  { to: "/providers", label: "Providers" },
  { to: "/requests", label: "Request log" },
  { to: "/alerts", label: "Alerts" },
  { to: "/admins", label: "Admin users" },
];

function Nav({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {NAV.map((n) => (
        <NavLink
          key={n.to}
          to={n.to}
          end={n.end}
          onClick={onNavigate}
          className={({ isActive }) =>
            `rounded-md px-3 py-2 text-sm font-medium ${focusRing} ${
              isActive ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"
            }`
          }
        >
          {n.label}
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
  return (
    <div className="space-y-2 border-t border-slate-200 pt-3 text-xs text-slate-500">
      <p>
        Signed in {session?.user ? `as ${session.user.username}` : "with the admin token"}
        {settings && (
          <>
            <br />
            Currency {settings.currency} · v{settings.version}
          </>
        )}
      </p>
      <Button
        size="sm"
        className="w-full"
        onClick={() =>
          signOut.mutate(undefined, { onSettled: () => navigate("/sign-in", { replace: true }) })
        }
      >
        Sign out
      </Button>
    </div>
  );
}

/** Sidebar at desktop widths; a top bar with a menu button on phones. */
export function Shell() {
  const [open, setOpen] = useState(false);
  const zone = useTimeZoneMode();
  return (
    <div className="min-h-screen lg:flex">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <aside className="hidden w-56 shrink-0 flex-col justify-between border-r border-slate-200 bg-white p-3 lg:sticky lg:top-0 lg:flex lg:h-screen">
        <div>
          <div className="mb-4 px-3 pt-1 text-lg font-semibold tracking-tight">
            Toll<span className="text-indigo-600">gate</span>
          </div>
          <Nav />
        </div>
        <Who />
      </aside>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white lg:hidden">
        <div className="flex items-center justify-between px-4 py-2.5">
          <span className="text-lg font-semibold tracking-tight">
            Toll<span className="text-indigo-600">gate</span>
          </span>
          <Button size="sm" aria-expanded={open} aria-controls="mobile-nav" onClick={() => setOpen(!open)}>
            {open ? "Close" : "Menu"}
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
