import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en.ts";
import { ru } from "./ru.ts";

export const LANGUAGES = { en: "English", ru: "Русский" } as const;
export type Language = keyof typeof LANGUAGES;

/** The Intl locale each panel language formats numbers, money and dates with. */
const LOCALES: Record<Language, string> = { en: "en-US", ru: "ru-RU" };

const STORAGE_KEY = "tollgate.language";

const isLanguage = (s: string | null | undefined): s is Language => !!s && Object.hasOwn(LANGUAGES, s);

/**
 * The admin's own choice (the switch, kept in localStorage) wins; otherwise the first of the
 * browser's preferred languages the panel speaks ("ru-RU" counts as "ru"); otherwise English.
 */
export function pickLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

function storedLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled: the browser's language decides
  }
}

const browserLanguages = (): string[] => {
  if (typeof navigator === "undefined") return [];
  return [...(navigator.languages ?? []), navigator.language].filter((l) => typeof l === "string");
};

const initial = pickLanguage(storedLanguage(), browserLanguages());

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru } },
  lng: initial,
  // No fallback: a key missing from one language shows as its key, and the tests catch it first.
  fallbackLng: false,
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

/** `<html lang>` (screen readers pick their voice by it) and the tab's title follow the language. */
const setDocumentLanguage = (lang: Language) => {
  if (typeof document === "undefined") return;
  document.documentElement.lang = lang;
  document.title = i18n.getFixedT(lang)("brand.title");
};
setDocumentLanguage(initial);

/** The panel's language now. */
export const currentLanguage = (): Language => (isLanguage(i18n.language) ? i18n.language : "en");

/** The Intl locale of the panel's language ("en-US", "ru-RU"). */
export const currentLocale = () => LOCALES[currentLanguage()];

/** Switches the panel's language and remembers the choice in this browser. */
export async function changeLanguage(lang: Language) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered, still switched
  }
  setDocumentLanguage(lang);
  await i18n.changeLanguage(lang);
}

export { i18n };
