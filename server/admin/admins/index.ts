import { Elysia } from "elysia";
import type { AdminUsers } from "../../admin-session/admin-users.ts";
import { CreateAdminUser } from "./model.ts";

const tags = ["Admin: admin users"];

/** Admin users of the panel. The service is AdminUsers itself (also used by the CLI). */
export const adminsAdmin = (users: AdminUsers) =>
  new Elysia({ name: "admin-users" })
    .get("/admins", async () => ({ data: await users.list() }), {
      detail: { summary: "List admin users", tags },
    })
    .post(
      "/admins",
      async ({ body, set }) => {
        set.status = 201;
        return users.create(body.username, body.password);
      },
      { body: CreateAdminUser, detail: { summary: "Create an admin user", tags } },
    )
    .delete("/admins/:id", ({ params }) => users.delete(params.id), {
      detail: { summary: "Delete an admin user (their sessions end)", tags },
    });
