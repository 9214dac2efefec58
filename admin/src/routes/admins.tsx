import { type FormEvent, useRef, useState } from "react";
import type { AdminUserView } from "../../../server/admin/admins/model.ts";
import { useAdmins, useCreateAdmin, useDeleteAdmin } from "../api/admins.ts";
import { useSession } from "../api/session.ts";
import { Button } from "../ui/button.tsx";
import { ConfirmDialog } from "../ui/dialog.tsx";
import { Field, FormError } from "../ui/field.tsx";
import { formatTime } from "../ui/format.ts";
import { Card, PageHeader, Table, td, th } from "../ui/layout.tsx";
import { Empty, QueryState } from "../ui/states.tsx";
import { useToast } from "../ui/toast.tsx";

export function AdminsPage() {
  const admins = useAdmins();
  const create = useCreateAdmin();
  const remove = useDeleteAdmin();
  const me = useSession().data;
  const notify = useToast();
  const form = useRef<HTMLFormElement>(null);
  const [deleting, setDeleting] = useState<AdminUserView | null>(null);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate(
      { username: String(f.get("username")), password: String(f.get("password")) },
      {
        onSuccess: (u) => {
          notify("success", `Admin user ${u.username} created.`);
          form.current?.reset();
        },
      },
    );
  };
  return (
    <>
      <PageHeader title="Admin users">
        People who sign in to this panel with a username and password.
      </PageHeader>
      <div className="space-y-6">
        <Card>
          <QueryState query={admins}>
            {({ data }) =>
              data.length === 0 ? (
                <Empty title="No admin users yet.">Until you add one, sign in with the admin token.</Empty>
              ) : (
                <Table label="Admin users">
                  <thead>
                    <tr>
                      <th className={th}>Username</th>
                      <th className={`${th} hidden sm:table-cell`}>Created</th>
                      <th className={th}>Last sign-in</th>
                      <th className={th}>
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.map((u) => (
                      <tr key={u.id}>
                        <td className={`${td} font-medium`}>{u.username}</td>
                        <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>
                          {formatTime(u.created_at)}
                        </td>
                        <td className={`${td} whitespace-nowrap`}>{formatTime(u.last_login_at)}</td>
                        <td className={`${td} text-right`}>
                          <Button
                            size="sm"
                            variant="danger"
                            onClick={() => setDeleting(u)}
                            aria-label={`Delete ${u.username}`}
                          >
                            Delete
                          </Button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )
            }
          </QueryState>
        </Card>
        <Card title="Add an admin user">
          <form
            ref={form}
            onSubmit={submit}
            className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
            autoComplete="off"
          >
            <Field label="Username" name="username" required maxLength={64} />
            <Field
              label="Password"
              name="password"
              type="password"
              required
              minLength={10}
              autoComplete="new-password"
              hint="At least 10 characters."
            />
            <Button type="submit" variant="primary" disabled={create.isPending} className="sm:mb-5">
              Add user
            </Button>
          </form>
          <div className="mt-2">
            <FormError error={create.error} />
          </div>
        </Card>
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.username}?`}
        confirmLabel="Delete user"
        busy={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: (u) => notify("success", `Admin user ${u.username} deleted.`),
            onError: (e) => notify("error", e.message),
            onSettled: () => setDeleting(null),
          })
        }
      >
        {deleting?.id === me?.user?.id ? "This is you: you will be signed out at once. " : ""}
        Their sessions end at once and they can no longer sign in.
      </ConfirmDialog>
    </>
  );
}
