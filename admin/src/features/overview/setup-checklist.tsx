import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { SetupView } from "../../../../server/admin/setup/model.ts";
import { focusRing } from "../../ui/button.tsx";
import { formatCount } from "../../ui/format.ts";
import { Card } from "../../ui/layout.tsx";

type Step = { done: boolean; to: string; title: string; todo: string; doneText: string };

function steps(s: SetupView, t: TFunction): Step[] {
  return [
    {
      done: s.providers > 0,
      to: "/providers",
      title: t("overview.setup.provider.title"),
      todo: t("overview.setup.provider.todo"),
      doneText: t("overview.setup.configured", { n: formatCount(s.providers) }),
    },
    {
      done: s.models > 0,
      to: "/models",
      title: t("overview.setup.model.title"),
      todo: t("overview.setup.model.todo"),
      doneText: t("overview.setup.configured", { n: formatCount(s.models) }),
    },
    {
      done: s.account,
      to: "/accounts",
      title: t("overview.setup.account.title"),
      todo: t("overview.setup.account.todo"),
      doneText: t("overview.setup.doneText"),
    },
    {
      done: s.key,
      to: "/keys",
      title: t("overview.setup.key.title"),
      todo: t("overview.setup.key.todo"),
      doneText: t("overview.setup.doneText"),
    },
    {
      done: s.first_request,
      to: "/requests",
      title: t("overview.setup.request.title"),
      todo: t("overview.setup.request.todo"),
      doneText: t("overview.setup.request.done"),
    },
  ];
}

/** The first-run checklist: each step links to its page and ticks itself off as its data appears. */
export function SetupChecklist({ setup }: { setup: SetupView }) {
  const { t } = useTranslation();
  const list = steps(setup, t);
  const done = list.filter((s) => s.done).length;
  return (
    <Card
      title={t("overview.setup.title")}
      actions={
        <span className="text-sm text-slate-500" data-testid="setup-progress">
          {t("overview.setup.progress", { done, total: list.length })}
        </span>
      }
    >
      <ol className="divide-y divide-slate-100" aria-label={t("overview.setup.steps")}>
        {list.map((s, i) => (
          <li key={s.to} className="flex items-start gap-3 py-2.5" data-testid="setup-step">
            <span
              aria-hidden
              className={`mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
                s.done ? "bg-emerald-600 text-white" : "bg-slate-100 text-slate-600 ring-1 ring-slate-300"
              }`}
            >
              {s.done ? "✓" : i + 1}
            </span>
            <div className="min-w-0 flex-1 text-sm">
              <Link
                to={s.to}
                className={`rounded font-medium ${s.done ? "text-slate-500" : "text-indigo-700 hover:underline"} ${focusRing}`}
              >
                {s.title}
              </Link>
              <span className="sr-only">{s.done ? t("overview.setup.done") : t("overview.setup.todo")}</span>
              <p className="text-slate-600">{s.done ? s.doneText : s.todo}</p>
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}
