import "i18next";
import type { en } from "./en.ts";

// t("…") only accepts keys the English resources hold: a typo is a type error.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
  }
}
