import { z } from "zod";
import { AmountInput } from "../shared.ts";

export const CreateAccount = z.object({
  name: z.string().trim().min(1).max(200),
  balance: AmountInput.refine((v) => v >= 0, "must not be negative").optional(),
});

export const Topup = z.object({
  amount: AmountInput.refine((v) => v > 0, "must be positive"),
  note: z.string().max(500).optional(),
});

export const Adjustment = z.object({
  amount: AmountInput.refine((v) => v !== 0, "must not be zero"),
  note: z.string().min(1).max(500),
});

export type AccountView = {
  id: string;
  name: string;
  balance: number;
  used: number;
  reserved: number;
  currency: string;
  keys: number;
  created_at: string;
};

export type LedgerEntryView = {
  id: string;
  kind: string;
  amount: number;
  balance_after: number;
  key_id: string | null;
  request_id: string | null;
  description: string;
  created_at: string;
};
