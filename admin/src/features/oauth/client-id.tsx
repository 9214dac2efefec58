import { useId } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../ui/button.tsx";
import { selectContents, useCopiedMessage, useCopy } from "../../ui/copy.tsx";

/** An app's client_id with a copy button; a refused clipboard selects the id instead. */
export function ClientId({ id, name }: { id: string; name: string }) {
  const domId = useId();
  const { copied, copy } = useCopy(id, () => selectContents(domId));
  const copiedMessage = useCopiedMessage();
  const { t } = useTranslation();
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      <code id={domId} className="font-mono text-xs break-all">
        {id}
      </code>
      <Button size="sm" onClick={copy} aria-label={t("apps.copyClientId", { name })}>
        {copied === "yes" ? t("copy.copied") : t("copy.copy")}
      </Button>
      <span className="sr-only" aria-live="polite">
        {copiedMessage(copied, "text")}
      </span>
    </div>
  );
}
