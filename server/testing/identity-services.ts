import { randomBytes } from "node:crypto";
import type { Store } from "../../db/store.ts";
import { AccountBook } from "../billing/account-book.ts";
import { IdentityDecl } from "../config/identity.ts";
import { Identity } from "../identity/identity.ts";
import { KeyStore } from "../keys/key-store.ts";
import { PlanBook } from "../plans/plan-book.ts";
import { type Cipher, createCipher } from "../secrets/cipher.ts";

/** The external issuer the identity services below accept (HS256, provisioning on). */
export const TEST_IDP = { issuer: "https://idp.test", secret: "an-hs256-secret-of-at-least-32-characters" };

/**
 * The identity layer over `store`, as start.ts builds it, with mail kept in the outbox and
 * its own in-memory caches (accounts, keys, plans, memberships). Two of them over one store
 * with one cipher are two replicas that never hear of each other's changes.
 */
export async function identityOver(
  store: Store,
  cipher: Pick<Cipher, "mac"> = createCipher(randomBytes(32)),
): Promise<Identity> {
  const book = new AccountBook(store);
  const keys = new KeyStore(store);
  const plans = new PlanBook(book, store);
  await book.load();
  await keys.load();
  await plans.load();
  const id = new Identity(
    {
      store,
      cipher,
      keys,
      book,
      plans,
      planLimits: { usage: () => ({ requestsToday: 0, tokensToday: 0, concurrent: 0 }) },
      limiter: { dayLimit: () => null, dayCount: () => 0 },
      settings: { currency: "USD" },
    },
    {
      decl: IdentityDecl.parse({
        signup: "open",
        codes: { max_attempts: 3, per_email_per_hour: 2, per_client_per_hour: 100 },
        external_jwt: {
          issuer: TEST_IDP.issuer,
          audience: "tollgate",
          secret: TEST_IDP.secret,
          provision: true,
        },
      }),
      accessTokenMinutes: 15,
      refreshTokenDays: 30,
      signingSecret: null,
      siteName: "Tollgate",
    },
  );
  await id.start();
  return id;
}
