// What the API's routes declare about themselves, in zod: the same schemas validate requests in the
// handlers, shape the responses and generate the OpenAPI document (openapi.ts). Also the one error
// body every 4xx and 5xx answer uses.
import { z } from "zod";
import type { RouteRole } from "./auth.js";

export const errorBody = z
  .object({
    error: z.string().meta({ description: "A stable code: bad_request, unauthorized, forbidden, not_found, payload_too_large, unsupported_media_type, too_many_requests, unavailable, internal." }),
    message: z.string().meta({ description: "What was wrong and what to do, in words." }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: "Each invalid query parameter, for bad_request." }),
  })
  .meta({ id: "Error", title: "Error" });
export type ErrorBody = z.infer<typeof errorBody>;

export interface RouteSpec {
  readonly method: "GET" | "POST" | "DELETE";
  readonly url: string;
  readonly summary: string;
  readonly description: string;
  /** Who may call it; undefined: no token needed (health, readiness). */
  readonly role: RouteRole | undefined;
  readonly query?: z.ZodObject;
  /** Path parameters, named as in `url` (`/v1/silences/{id}`). */
  readonly params?: z.ZodObject;
  /** Request bodies by content type. */
  readonly body?: Readonly<Record<string, { readonly schema: z.ZodType; readonly description: string }>>;
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: z.ZodType; readonly contentType?: string }>>;
}

/** Answers every authenticated route may give besides its own. */
export const AUTH_RESPONSES = {
  401: { description: "No token, or a token that matches none (the answer carries WWW-Authenticate: Bearer).", schema: errorBody },
  403: { description: "The token's role may not call this route.", schema: errorBody },
  429: { description: "The token's rate limit is used up, or the client address failed authentication too often; Retry-After says when to come back.", schema: errorBody },
} as const;

/** Formats zod issues as `{path, message}` without ever echoing the rejected value. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((issue) => ({ path: issue.path.join(".") || "(query)", message: issue.message }));
}
