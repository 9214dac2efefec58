import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError, setUnauthorizedHandler } from "./client.ts";

/**
 * One data-fetching policy for the whole panel: client errors are not retried, server and
 * network errors twice; a 401 anywhere clears the cache and goes to sign-in.
 */
export function createQueryClient(goToSignIn: () => void): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache(),
    mutationCache: new MutationCache(),
    defaultOptions: {
      queries: {
        // Balances and logs change with API traffic the panel does not see: refetch on every visit.
        staleTime: 0,
        retry: (count, err) =>
          !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
  setUnauthorizedHandler(() => {
    client.clear();
    goToSignIn();
  });
  return client;
}
