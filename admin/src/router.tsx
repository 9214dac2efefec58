import { createBrowserRouter } from "react-router";
import { RequireSession } from "./layout/require-session.tsx";
import { Shell } from "./layout/shell.tsx";
import { AccountDetailPage } from "./routes/account-detail.tsx";
import { AccountsPage } from "./routes/accounts.tsx";
import { AdminsPage } from "./routes/admins.tsx";
import { KeyDetailPage } from "./routes/key-detail.tsx";
import { KeysPage } from "./routes/keys.tsx";
import { ModelsPage } from "./routes/models.tsx";
import { NotFoundPage } from "./routes/not-found.tsx";
import { OverviewPage } from "./routes/overview.tsx";
import { ProvidersPage } from "./routes/providers.tsx";
import { RequestDetailPage } from "./routes/request-detail.tsx";
import { RequestsPage } from "./routes/requests.tsx";
import { SignInPage } from "./routes/sign-in.tsx";

const BASENAME = "/admin";

/** A path of the browser's location relative to the panel: "/admin/keys" is "/keys". */
export const panelPath = (pathname: string) =>
  pathname === BASENAME || pathname.startsWith(`${BASENAME}/`)
    ? pathname.slice(BASENAME.length) || "/"
    : pathname;

/** The panel lives at /admin on the gateway; every path below is relative to it. */
export const router = createBrowserRouter(
  [
    { path: "/sign-in", element: <SignInPage /> },
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
            { path: "models", element: <ModelsPage /> },
            { path: "providers", element: <ProvidersPage /> },
            { path: "requests", element: <RequestsPage /> },
            { path: "requests/:id", element: <RequestDetailPage /> },
            { path: "admins", element: <AdminsPage /> },
            { path: "*", element: <NotFoundPage /> },
          ],
        },
      ],
    },
  ],
  { basename: BASENAME },
);
