import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "./button.tsx";

type Copied = "yes" | "failed" | null;

/**
 * Copies text to the clipboard. When the browser refuses (no permission, not a secure
 * context), `onRefused` selects the text on the page so Ctrl+C still works.
 */
export function useCopy(text: string, onRefused: () => void) {
  const [copied, setCopied] = useState<Copied>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      onRefused();
      setCopied("failed");
    }
  };
  return { copied, copy };
}

/** Selects the text of the element `id` on the page, so Ctrl+C copies it when the clipboard is refused. */
export function selectContents(id: string) {
  const el = document.getElementById(id);
  if (!el) return;
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel?.removeAllRanges();
  sel?.addRange(range);
}

/** What happened, for a polite live region beside the button. */
export function useCopiedMessage() {
  const { t } = useTranslation();
  return (copied: Copied, what: "text" | "key") =>
    copied === "yes" ? t("copy.done") : copied === "failed" ? t(`copy.refused_${what}`) : "";
}

/** A block of code or settings with its own copy button. */
export function CopyBlock({ label, text }: { label: string; text: string }) {
  const id = useId();
  const { copied, copy } = useCopy(text, () => selectContents(`${id}-text`));
  const { t } = useTranslation();
  const copiedMessage = useCopiedMessage();
  return (
    <figure className="space-y-1" aria-labelledby={`${id}-label`}>
      <div className="flex items-center justify-between gap-2">
        <span id={`${id}-label`} className="text-xs font-medium text-slate-600">
          {label}
        </span>
        <Button size="sm" onClick={copy} aria-label={t("copy.copyLabel", { label })}>
          {copied === "yes" ? t("copy.copied") : t("copy.copy")}
        </Button>
      </div>
      {/* A long line scrolls sideways: keyboard users must be able to focus it to scroll (WCAG scrollable-region-focusable). */}
      <pre
        id={`${id}-text`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard to be scrolled (axe scrollable-region-focusable)
        tabIndex={0}
        className="overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-relaxed text-slate-100"
      >
        {text}
      </pre>
      <p className="text-xs text-slate-500" aria-live="polite">
        {copiedMessage(copied, "text")}
      </p>
    </figure>
  );
}
