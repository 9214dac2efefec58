import { z } from "zod";

export type { AdminUserView } from "../../admin-session/admin-users.ts";

export const CreateAdminUser = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(1000),
});
