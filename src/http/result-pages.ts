// Paging the read endpoints: one parameterised query per page, newest first, and opaque cursors.
import { z } from "zod";
import { msToStoreTime } from "../contract/store-time.js";
import type { QueryParams, Store } from "../store/port.js";
import { inRange, type Endpoint, type GrafanaLinks } from "./result-fields.js";

export const pageOf = (item: z.ZodType, id: string) =>
  z
    .object({
      items: z.array(item),
      next_cursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page." }),
    })
    .meta({ id });

/** The position after the last item of a page: its order value and id. */
const cursorBody = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}\.\d{3})?$/).refine(isRealTime), z.string().max(256)]);

/** A store time (or date) that names a real instant in range: 2026-02-31 does not. */
function isRealTime(text: string): boolean {
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(" ", "T")}Z`);
  return inRange(ms) && new Date(ms).toISOString().slice(0, 10) === text.slice(0, 10);
}

export function encodeCursor(order: string, id: string): string {
  return Buffer.from(JSON.stringify([order, id]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): [string, string] | undefined {
  try {
    const parsed = cursorBody.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export class CursorError extends Error {}

/** One page of an endpoint's results: parameterised SQL only, newest first, FINAL (the tables replace rows by id). */
export async function readPage(
  store: Pick<Store, "query">,
  endpoint: Endpoint<z.ZodObject, z.ZodType>,
  q: Record<string, unknown>,
  links: GrafanaLinks,
): Promise<{ items: unknown[]; next_cursor: string | null }> {
  const own = endpoint.where(q);
  const where = [...own.sql];
  const params: Record<string, string | number> = { ...own.params };
  if (q["status"] !== undefined) {
    if (q["status"] === "active") where.push("status != 'closed'");
    else (where.push("status = {status:String}"), (params["status"] = String(q["status"])));
  }
  if (endpoint.orderType !== "Date") {
    if (q["from"] !== undefined) (where.push("last_updated >= toDateTime64({from:String}, 3, 'UTC')"), (params["from"] = msToStoreTime(Date.parse(String(q["from"])))));
    if (q["to"] !== undefined) (where.push("first_seen < toDateTime64({to:String}, 3, 'UTC')"), (params["to"] = msToStoreTime(Date.parse(String(q["to"])))));
  }
  if (q["cursor"] !== undefined) {
    const after = decodeCursor(String(q["cursor"]));
    if (after === undefined) throw new CursorError("cursor is not a cursor this API gave out: start again without it");
    const cast = endpoint.orderType === "Date" ? "toDate({after_order:String})" : "toDateTime64({after_order:String}, 3, 'UTC')";
    where.push(`(${endpoint.orderColumn}, ${endpoint.idColumn}) < (${cast}, {after_id:String})`);
    params["after_order"] = after[0];
    params["after_id"] = after[1];
  }
  const limit = Number(q["limit"] ?? 100);
  params["limit_plus_one"] = limit + 1;
  const sql =
    `SELECT ${endpoint.columns.join(", ")}, toString(${endpoint.orderColumn}) AS _order FROM ${endpoint.table} FINAL` +
    (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
    ` ORDER BY ${endpoint.orderColumn} DESC, ${endpoint.idColumn} DESC LIMIT {limit_plus_one:UInt32}`;
  const rows = await store.query(sql, params as QueryParams);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => endpoint.toItem(row, links)),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(String(last["_order"]), String(last[endpoint.idColumn])) : null,
  };
}
