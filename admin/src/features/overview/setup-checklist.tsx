import { Link } from "react-router";
import type { SetupView } from "../../../../server/admin/setup/model.ts";
import { focusRing } from "../../ui/button.tsx";
import { formatCount } from "../../ui/format.ts";
import { Card } from "../../ui/layout.tsx";

type Step = { done: boolean; to: string; title: string; todo: string; doneText: string };

function steps(s: SetupView): Step[] {
  return [
    {
      done: s.providers > 0,
      to: "/providers",
      title: "Add a provider",
      todo: "The upstream API the gateway forwards to (OpenAI, Anthropic, Gemini, GigaChat, YandexGPT), with its key.",
      doneText: `${formatCount(s.providers)} configured.`,
    },
    {
      done: s.models > 0,
      to: "/models",
      title: "Add a model",
      todo: "What clients ask for: its prices, and which provider's model serves it.",
      doneText: `${formatCount(s.models)} configured.`,
    },
    {
      done: s.account,
      to: "/accounts",
      title: "Create an account",
      todo: "A prepaid balance that keys spend from. Top it up.",
      doneText: "Done.",
    },
    {
      done: s.key,
      to: "/keys",
      title: "Issue a key",
      todo: "Clients call the gateway with it; the dialog shows the base URL and code to paste.",
      doneText: "Done.",
    },
    {
      done: s.first_request,
      to: "/requests",
      title: "Send a first request",
      todo: "Call the gateway with the key (curl or an SDK); it shows up in the request log.",
      doneText: "Done: see the request log.",
    },
  ];
}

/** The first-run checklist: each step links to its page and ticks itself off as its data appears. */
export function SetupChecklist({ setup }: { setup: SetupView }) {
  const list = steps(setup);
  const done = list.filter((s) => s.done).length;
  return (
    <Card
      title="Set up Tollgate"
      actions={
        <span className="text-sm text-slate-500" data-testid="setup-progress">
          {done} of {list.length} done
        </span>
      }
    >
      <ol className="divide-y divide-slate-100" aria-label="Setup steps">
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
              <span className="sr-only">{s.done ? " (done)" : " (to do)"}</span>
              <p className="text-slate-600">{s.done ? s.doneText : s.todo}</p>
            </div>
          </li>
        ))}
      </ol>
    </Card>
  );
}
