import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useLedger } from "../../api/accounts.ts";
import { SelectField } from "../../ui/field.tsx";
import { Pager } from "../../ui/pager.tsx";
import { Empty, QueryState } from "../../ui/states.tsx";
import { useMoney } from "../../ui/use-money.ts";
import { LedgerEntries } from "./ledger-entries.tsx";

const PAGE = 20;

const LEDGER_KINDS = ["topup", "charge", "refund", "adjustment"] as const;
const isLedgerKind = (k: string): k is (typeof LEDGER_KINDS)[number] =>
  (LEDGER_KINDS as readonly string[]).includes(k);

/** Which entries to show: money moved by hand apart from the one charge per request. */
const KINDS = [
  { value: "", label: "all" },
  { value: "topup,refund,adjustment", label: "manual" },
  { value: "topup", label: "topup" },
  { value: "refund", label: "refund" },
  { value: "adjustment", label: "adjustment" },
  { value: "charge", label: "charge" },
] as const;

export function LedgerTable({ accountId }: { accountId: string }) {
  const [offset, setOffset] = useState(0);
  const [kinds, setKinds] = useState("");
  const ledger = useLedger(accountId, offset, PAGE, kinds);
  const money = useMoney();
  const { t } = useTranslation();
  return (
    <>
      <div className="mb-3 max-w-64">
        <SelectField
          label={t("accounts.ledger.show")}
          value={kinds}
          onChange={(e) => {
            setKinds(e.target.value);
            setOffset(0);
          }}
        >
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {t(`accounts.ledger.kinds.${k.label}`)}
            </option>
          ))}
        </SelectField>
      </div>
      <QueryState query={ledger}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title={kinds ? t("accounts.ledger.emptyKind") : t("accounts.ledger.empty")} />
          ) : (
            <>
              <LedgerEntries
                entries={page.data}
                money={money}
                kindLabel={(k) => (isLedgerKind(k) ? t(`accounts.ledger.kind.${k}`) : k)}
                details={(e) =>
                  e.request_id ? (
                    <Link to={`/requests/${e.request_id}`} className="text-indigo-700 hover:underline">
                      {e.description || e.request_id}
                    </Link>
                  ) : (
                    e.description
                  )
                }
              />
              <Pager
                label={t("accounts.ledger.pages")}
                offset={offset}
                size={PAGE}
                shown={page.data.length}
                total={page.total}
                onOffset={setOffset}
              />
            </>
          )
        }
      </QueryState>
    </>
  );
}
