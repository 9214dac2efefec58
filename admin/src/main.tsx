import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { useTranslation } from "react-i18next";
import { RouterProvider } from "react-router";
import { createQueryClient } from "./api/query-client.ts";
import "./i18n/index.ts";
import { panelPath, router } from "./router.tsx";
import "./styles.css";
import { ToastProvider } from "./ui/toast.tsx";

const queryClient = createQueryClient(() => {
  // The router's own location carries the /admin basename; navigate() adds it again.
  const { search } = router.state.location;
  const pathname = panelPath(router.state.location.pathname);
  if (pathname.startsWith("/sign-in")) return;
  void router.navigate(`/sign-in?next=${encodeURIComponent(pathname + search)}`, { replace: true });
});

/**
 * The pages are rendered again from the top when the language changes, so numbers, money
 * and dates formatted outside t() follow the switch too.
 */
function Panel() {
  const { i18n } = useTranslation();
  return <RouterProvider key={i18n.language} router={router} />;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <Panel />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
