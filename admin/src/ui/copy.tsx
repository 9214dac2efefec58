import { useId, useState } from "react";
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

/** What happened, for a polite live region beside the button. */
export const copiedMessage = (copied: Copied, what: string) =>
  copied === "yes"
    ? "Copied to the clipboard."
    : copied === "failed"
      ? `The browser refused the clipboard: the ${what} is selected, press Ctrl+C (⌘C).`
      : "";

/** A block of code or settings with its own copy button. */
export function CopyBlock({ label, text }: { label: string; text: string }) {
  const id = useId();
  const select = () => {
    const el = document.getElementById(`${id}-text`);
    if (!el) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
  };
  const { copied, copy } = useCopy(text, select);
  return (
    <figure className="space-y-1" aria-labelledby={`${id}-label`}>
      <div className="flex items-center justify-between gap-2">
        <span id={`${id}-label`} className="text-xs font-medium text-slate-600">
          {label}
        </span>
        <Button size="sm" onClick={copy} aria-label={`Copy ${label}`}>
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <pre
        id={`${id}-text`}
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
