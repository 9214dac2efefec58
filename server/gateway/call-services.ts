import type { AccountBook } from "../billing/account-book.ts";
import type { Catalog } from "../catalog/catalog.ts";
import type { Settings } from "../config/settings.ts";
import type { KeyStore } from "../keys/key-store.ts";
import type { Limiter } from "../limits/admission.ts";
import type { Idempotency } from "../limits/idempotency.ts";
import type { MediaLinks } from "../media-links/store.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { PlanBook } from "../plans/plan-book.ts";
import type { RouteStates } from "../routing/route-state.ts";
import type { Writer } from "../store/writer.ts";
import type { LogRow } from "../usage-log/request-log.ts";

/**
 * What a client request may reach: the in-memory services, the settings and the commit
 * queue. Never the database connection, the cipher or the process's lifecycle (start,
 * reload, stop): those stay with the gateway object (gateway.ts), the composition root,
 * which implements this. Each piece of the pipeline and each route takes a `Pick` of it
 * naming only what it uses.
 */
export type CallServices = {
  readonly book: AccountBook;
  readonly catalog: Catalog;
  readonly keys: KeyStore;
  readonly limiter: Limiter;
  readonly idempotency: Idempotency;
  readonly media: MediaLinks;
  readonly metrics: Metrics;
  /** Account plans: the models an account may use (its limits join the limiter's, its multiplier the book's). */
  readonly plans: Pick<PlanBook, "modelAllowed" | "usableModels">;
  readonly routes: RouteStates;
  readonly settings: Settings;
  /** Where group-committed writes go (read per use: start.ts may hand over a writer thread). */
  readonly commits: Writer;
  /** Requests and streams in flight, for graceful shutdown. */
  inFlight: number;
  /** After a request's row committed: metrics and the log line. */
  recordRequest(row: LogRow, prompt?: string): void;
};

/** What routing a chat or media call over a model's routes reads. */
export type RoutingServices = Pick<
  CallServices,
  "book" | "catalog" | "plans" | "routes" | "metrics" | "settings"
>;

/** What a media route's meter writes through: the links it hands out, their lifetime, the commit queue. */
export type MeterServices = Pick<CallServices, "media" | "settings" | "commits">;
