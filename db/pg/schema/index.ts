export * from "./accounts.ts";
export * from "./admins.ts";
export * from "./catalog.ts";
export * from "./keys.ts";
export * from "./ledger.ts";
export * from "./media.ts";
export * from "./requests.ts";
export * from "./system.ts";
