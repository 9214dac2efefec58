import { badRequest } from "../errors.ts";

/**
 * A URL path segment taken as an id (model ids may hold slashes, so routes take the rest
 * of the path and decode it). A malformed percent-escape is the client's mistake: a 400
 * in the route's own shape, not a URIError turning into a 500.
 */
export function decodePathParam(raw: string, param: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`The ${param} in the URL is not valid percent-encoding.`, param, "invalid_url");
  }
}
