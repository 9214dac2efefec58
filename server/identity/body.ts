import { tooLarge } from "../http/body.ts";
import { limitedParse } from "../http/body-limit.ts";

/** What a sign-in, refresh or team request may carry: a few fields, never megabytes. */
export const AUTH_BODY_LIMIT = 64 * 1024;

const chunked = limitedParse(AUTH_BODY_LIMIT);

/**
 * The parse hook of the /auth routes, which anyone may call: a declared body over the
 * limit is refused before it is read, a chunked one as it is read (the deployment's
 * body limit, megabytes for prompts and images, is far more than these routes need).
 * Its context is destructured, never passed on whole: Elysia reads hooks' source, and a
 * context handed to a function makes it build everything (headers object, cookies, query)
 * for every route of the app, the billed ones included (server/tests/route-inference.test.ts).
 */
export async function authParse({
  request,
  contentType,
}: {
  request: Request;
  contentType: string;
}): Promise<unknown> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > AUTH_BODY_LIMIT) throw tooLarge(AUTH_BODY_LIMIT);
  return chunked({ request, contentType });
}
