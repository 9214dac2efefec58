import { type KeyboardEvent, useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useSettings } from "../../api/session.ts";
import { CopyBlock } from "../../ui/copy.tsx";
import { connectionSnippets, gatewayBase } from "./snippets.ts";

/**
 * Beside a new key: the base URL and ready-to-paste settings for each kind of client, one
 * tab each, every block with its own copy button.
 */
export function ConnectionDetails({ apiKey, model }: { apiKey: string; model: string }) {
  const publicUrl = useSettings().data?.public_url;
  return <ConnectionSnippets apiKey={apiKey} model={model} publicUrl={publicUrl} />;
}

/** The same, given the public URL (the user portal has no admin settings to read it from). */
export function ConnectionSnippets({
  apiKey,
  model,
  publicUrl,
}: {
  apiKey: string;
  model: string;
  publicUrl: string | null | undefined;
}) {
  const base = gatewayBase(publicUrl, window.location.origin);
  const groups = connectionSnippets({ base, key: apiKey, model });
  const [active, setActive] = useState(groups[0]!.id);
  const id = useId();
  const { t } = useTranslation();
  const current = groups.find((g) => g.id === active) ?? groups[0]!;
  // Arrow keys move between tabs, as in every tab list.
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const i = groups.findIndex((g) => g.id === active);
    const next = groups[(i + step + groups.length) % groups.length]!;
    setActive(next.id);
    document.getElementById(`${id}-tab-${next.id}`)?.focus();
  };
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 border-t border-slate-200 pt-4">
      <h3 id={`${id}-title`} className="text-sm font-semibold">
        {t("connect.title")}
      </h3>
      <CopyBlock label={t("connect.baseUrl")} text={`${base}/v1`} />
      <p className="-mt-2 text-xs text-slate-500">
        <Trans i18nKey="connect.bases" values={{ base }} components={{ code: <code /> }} />{" "}
        {publicUrl ? t("connect.fromConfig") : t("connect.fromPage")}
      </p>
      <div role="tablist" aria-label={t("connect.client")} className="flex flex-wrap gap-1" onKeyDown={onKey}>
        {groups.map((g) => (
          <button
            key={g.id}
            id={`${id}-tab-${g.id}`}
            type="button"
            role="tab"
            aria-selected={g.id === active}
            aria-controls={`${id}-panel`}
            tabIndex={g.id === active ? 0 : -1}
            onClick={() => setActive(g.id)}
            className={`rounded-md px-2.5 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600 ${
              g.id === active ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"
            }`}
          >
            {g.label}
          </button>
        ))}
      </div>
      <div
        id={`${id}-panel`}
        role="tabpanel"
        aria-labelledby={`${id}-tab-${current.id}`}
        className="space-y-3"
      >
        {current.snippets.map((s) => (
          <CopyBlock key={s.id} label={s.label} text={s.text} />
        ))}
      </div>
    </section>
  );
}
