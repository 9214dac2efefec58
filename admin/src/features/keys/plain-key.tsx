import { type ReactNode, useRef } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Button } from "../../ui/button.tsx";
import { useCopiedMessage, useCopy } from "../../ui/copy.tsx";
import { inputClass } from "../../ui/field.tsx";

/**
 * The plain key, shown once: a warning, the key in a read-only field with a copy button,
 * then how to connect with it (children).
 */
export function PlainKey({
  value,
  name,
  onDone,
  children,
}: {
  value: string;
  name: string;
  onDone: () => void;
  children?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  const { copied, copy } = useCopy(value, () => input.current?.select());
  const copiedMessage = useCopiedMessage();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <div
        role="alert"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
      >
        <Trans i18nKey="plainKey.warning" components={{ strong: <strong /> }} />
      </div>
      <div className="space-y-1">
        <label htmlFor="plain-key" className="block text-sm font-medium text-slate-700">
          {t("plainKey.label", { name })}
        </label>
        <div className="flex gap-2">
          <input
            id="plain-key"
            ref={input}
            readOnly
            value={value}
            onFocus={(e) => e.currentTarget.select()}
            className={`${inputClass} font-mono`}
          />
          <Button variant="primary" onClick={copy}>
            {copied === "yes" ? t("copy.copied") : t("copy.copy")}
          </Button>
        </div>
        <p className="text-xs text-slate-500" aria-live="polite">
          {copiedMessage(copied, "key")}
        </p>
      </div>
      {children}
      <div className="flex justify-end">
        <Button onClick={onDone}>{t("plainKey.done")}</Button>
      </div>
    </div>
  );
}
