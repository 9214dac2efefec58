import type { GatewayError } from "../errors.ts";
import type { KeyRecord } from "../keys/key-store.ts";

/** Who a signed bearer token (a JWT) turned out to be: the key its calls run under, and the person if one. */
export type SignedPrincipal = { key: KeyRecord; userId: string | null; sessionId: string | null };

/**
 * Signed tokens are verified before routing (the check is asynchronous: a signature, maybe a
 * JWKS fetch), and the outcome is kept here for the request, so the synchronous client
 * authentication (client-auth.ts) and the routes read it like an API key's lookup.
 */
const outcomes = new WeakMap<Request, SignedPrincipal | GatewayError>();

export function setSignedPrincipal(request: Request, outcome: SignedPrincipal | GatewayError): void {
  outcomes.set(request, outcome);
}

/** The request's signed token outcome (a principal, or the error refusing it), if it carried one. */
export function signedPrincipal(request: Request): SignedPrincipal | GatewayError | undefined {
  return outcomes.get(request);
}
