import { z } from "zod";

/** Sign in with a username and password, or with the admin token. */
export const SignIn = z
  .object({
    username: z.string().trim().min(1).max(64).optional(),
    password: z.string().min(1).max(1000).optional(),
    token: z.string().trim().min(1).max(1000).optional(),
  })
  .refine((v) => (v.token !== undefined) !== (v.username !== undefined && v.password !== undefined), {
    message: "send either username and password, or token",
  });

export type SessionView = {
  /** How this request is authenticated. */
  via: "password" | "token" | "bearer";
  user: { id: string; username: string } | null;
  expires_at: string | null;
};

/** Which sign-in methods work, asked before signing in: a password only once an admin user exists. */
export type SignInMethods = { password: boolean; token: true };
