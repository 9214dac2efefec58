import { type ComponentType, lazy, type ReactNode, Suspense } from "react";
import { createBrowserRouter } from "react-router";
import { RequireSession } from "./layout/require-session.tsx";
import { Shell } from "./layout/shell.tsx";
import { SignInPage } from "./routes/sign-in.tsx";

const BASENAME = "/admin";

/** A path of the browser's location relative to the panel: "/admin/keys" is "/keys". */
export const panelPath = (pathname: string) =>
  pathname === BASENAME || pathname.startsWith(`${BASENAME}/`)
    ? pathname.slice(BASENAME.length) || "/"
    : pathname;

/**
 * Every page behind sign-in is its own chunk, fetched the first time it is shown (Shell
 * wraps them in Suspense): the entry holds React, the router, the sign-in page and the
 * layout, and recharts comes only with the pages that draw charts.
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const OverviewPage = page(() => import("./routes/overview.tsx"), "OverviewPage");
const KeysPage = page(() => import("./routes/keys.tsx"), "KeysPage");
const KeyDetailPage = page(() => import("./routes/key-detail.tsx"), "KeyDetailPage");
const AccountsPage = page(() => import("./routes/accounts.tsx"), "AccountsPage");
const AccountDetailPage = page(() => import("./routes/account-detail.tsx"), "AccountDetailPage");
const ModelsPage = page(() => import("./routes/models.tsx"), "ModelsPage");
const ProvidersPage = page(() => import("./routes/providers.tsx"), "ProvidersPage");
const RequestsPage = page(() => import("./routes/requests.tsx"), "RequestsPage");
const RequestDetailPage = page(() => import("./routes/request-detail.tsx"), "RequestDetailPage");
const AlertsPage = page(() => import("./routes/alerts.tsx"), "AlertsPage");
const AdminsPage = page(() => import("./routes/admins.tsx"), "AdminsPage");
// Users, the outbox, plans, and the user portal (the same app, for users signed in by e-mail code).
const UsersPage = page(() => import("./routes/users.tsx"), "UsersPage");
const OutboxPage = page(() => import("./routes/outbox.tsx"), "OutboxPage");
const PlansPage = page(() => import("./routes/plans.tsx"), "PlansPage");
const AppsPage = page(() => import("./routes/apps.tsx"), "AppsPage");
const PortalSignInPage = page(() => import("./portal/portal-sign-in.tsx"), "PortalSignInPage");
const PortalShell = page(() => import("./portal/portal-shell.tsx"), "PortalShell");
const PortalHome = page(() => import("./portal/portal-shell.tsx"), "PortalHome");
const PortalAccountPage = page(() => import("./portal/portal-shell.tsx"), "PortalAccountPage");
const AsOwnerPage = page(() => import("./portal/portal-shell.tsx"), "AsOwnerPage");
const NotFoundPage = page(() => import("./routes/not-found.tsx"), "NotFoundPage");

/** A page outside the panel's shell (the portal's) waits for its chunk on its own. */
const Lazy = ({ page }: { page: ReactNode }) => <Suspense fallback={null}>{page}</Suspense>;

/** The panel lives at /admin on the gateway; every path below is relative to it. */
export const router = createBrowserRouter(
  [
    { path: "/sign-in", element: <SignInPage /> },
    { path: "/portal/sign-in", element: <Lazy page={<PortalSignInPage />} /> },
    {
      path: "/portal",
      element: <Lazy page={<PortalShell />} />,
      children: [
        { index: true, element: <PortalHome /> },
        { path: "accounts/:id", element: <PortalAccountPage /> },
      ],
    },
    {
      element: <RequireSession />,
      children: [
        {
          element: <Shell />,
          children: [
            { index: true, element: <OverviewPage /> },
            { path: "keys", element: <KeysPage /> },
            { path: "keys/:id", element: <KeyDetailPage /> },
            { path: "accounts", element: <AccountsPage /> },
            { path: "accounts/:id", element: <AccountDetailPage /> },
            { path: "alerts", element: <AlertsPage /> },
            { path: "models", element: <ModelsPage /> },
            { path: "providers", element: <ProvidersPage /> },
            { path: "requests", element: <RequestsPage /> },
            { path: "requests/:id", element: <RequestDetailPage /> },
            { path: "admins", element: <AdminsPage /> },
            { path: "users", element: <UsersPage /> },
            { path: "outbox", element: <OutboxPage /> },
            { path: "plans", element: <PlansPage /> },
            { path: "apps", element: <AppsPage /> },
            { path: "accounts/:id/as-owner", element: <AsOwnerPage /> },
            { path: "*", element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ],
  { basename: BASENAME },
);
