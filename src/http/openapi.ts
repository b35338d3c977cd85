// The OpenAPI 3.1 document of the HTTP API, generated from the routes' own zod schemas (spec.ts) with
// zod's JSON Schema output: what the handlers validate is what the document says. Schemas with an
// `id` in their metadata (HotlineEvent, Spike, Error, …) become components and are referenced.
import { z } from "zod";
import type { RouteSpec } from "./spec.js";

type Json = Record<string, unknown>;

export function buildOpenApi(
  routes: readonly RouteSpec[],
  info: { title: string; version: string; description: string },
  /** Schemas without an id of their own to emit once as components (the event contract's union). */
  extraComponents: readonly (readonly [z.ZodType, string])[] = [],
): Json {
  // One registry for every schema the routes use, so shared ones are emitted once as components.
  const registry = z.registry<{ id?: string }>();
  const named = new Map<z.ZodType, string>();
  for (const [schema, id] of extraComponents) {
    named.set(schema, id);
    registry.add(schema, { id });
  }
  const visit = (schema: z.ZodType | undefined) => {
    if (schema === undefined) return;
    const id = z.globalRegistry.get(schema)?.id;
    if (id !== undefined && !named.has(schema)) {
      named.set(schema, id);
      registry.add(schema, { id });
    }
  };
  for (const route of routes) {
    for (const body of Object.values(route.body ?? {})) visit(body.schema);
    for (const response of Object.values(route.responses)) visit(response.schema);
  }
  const components = z.toJSONSchema(registry, { target: "draft-2020-12", io: "output", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  const schemas: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(components.schemas)) {
    const { $schema: _drop, $id: _id, ...rest } = schema;
    if (id === SHARED) {
      // zod gathers schemas with an id that only appear nested (Spike inside SpikePage) under
      // __shared/$defs; OpenAPI wants each as a component of its own.
      for (const [inner, def] of Object.entries((rest["$defs"] ?? {}) as Record<string, Json>)) schemas[inner] ??= def;
    } else schemas[id] = rest;
  }

  const toSchema = (schema: z.ZodType, io: "input" | "output"): Json => {
    const id = named.get(schema);
    if (id !== undefined) return { $ref: `#/components/schemas/${id}` };
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
    return rest;
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const operation: Json = {
      summary: route.summary,
      description: route.description,
      ...(route.role === undefined ? { security: [] } : {}),
      ...(route.role !== undefined ? { "x-required-role": route.role === "any" ? "any (ingest, read or admin)" : route.role === "admin" ? "admin" : `${route.role} (or admin)` } : {}),
    };
    const parameters = (shape: z.ZodObject, where: "query" | "path") =>
      Object.entries(shape.shape).map(([name, field]) => {
        const schema = field as z.ZodType;
        const { description, ...jsonSchema } = toSchema(schema, "input");
        return { name, in: where, required: where === "path" || !schema.safeParse(undefined).success, ...(description === undefined ? {} : { description }), schema: jsonSchema };
      });
    if (route.query !== undefined || route.params !== undefined) {
      operation["parameters"] = [...(route.params === undefined ? [] : parameters(route.params, "path")), ...(route.query === undefined ? [] : parameters(route.query, "query"))];
    }
    if (route.body !== undefined) {
      operation["requestBody"] = {
        required: true,
        content: Object.fromEntries(Object.entries(route.body).map(([type, b]) => [type, { schema: { ...toSchema(b.schema, "input"), description: b.description } }])),
      };
    }
    operation["responses"] = Object.fromEntries(
      Object.entries(route.responses).map(([status, r]) => [
        status,
        { description: r.description, ...(r.schema === undefined ? {} : { content: { [r.contentType ?? "application/json"]: { schema: toSchema(r.schema, "output") } } }) },
      ]),
    );
    (paths[route.url] ??= {})[route.method.toLowerCase()] = operation;
  }

  const document = {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A token of HOTLINE_API_TOKENS (name:role:token); roles ingest, read, admin." } }, schemas },
    paths,
  };
  return JSON.parse(JSON.stringify(document).replaceAll(`#/components/schemas/${SHARED}#/$defs/`, "#/components/schemas/")) as Json;
}

const SHARED = "__shared";
