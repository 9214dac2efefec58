import type { CoreTool } from "../../core/request.ts";
import { type Json, obj, objs, str } from "../../core/wire-json.ts";

/** What a tool name the upstream sees stands for on the Responses surface. */
type ToolKind = { kind: "function" | "custom"; name: string; namespace?: string };

/**
 * Responses tools that other dialects lack, made plain functions for the upstream and
 * mapped back on the way out: a `namespace` tool's functions are flattened to
 * `<namespace>__<name>`; a `custom` (freeform) tool becomes a function taking one string
 * `input`, and its calls come back as custom_tool_call items. Built-in tools
 * (web_search, file_search...) have no upstream equivalent and are dropped by name.
 */
export class ResponsesTools {
  private readonly byUpstream = new Map<string, ToolKind>();

  /** The upstream name of a function (flattening its namespace). */
  upstreamName(name: string, namespace?: string): string {
    return namespace ? `${namespace}__${name}` : name;
  }

  kindOf(upstreamName: string): ToolKind {
    return this.byUpstream.get(upstreamName) ?? { kind: "function", name: upstreamName };
  }

  private fn(t: Json, namespace?: string): CoreTool {
    const name = str(t.name) ?? "";
    const upstream = this.upstreamName(name, namespace);
    this.byUpstream.set(upstream, { kind: "function", name, ...(namespace ? { namespace } : {}) });
    return {
      name: upstream,
      ...(typeof t.description === "string" ? { description: t.description } : {}),
      parameters: obj(t.parameters) ?? { type: "object", properties: {} },
      ...(typeof t.strict === "boolean" ? { strict: t.strict } : {}),
    };
  }

  decode(tools: unknown, hints: string[]): CoreTool[] {
    const out: CoreTool[] = [];
    for (const t of objs(tools)) {
      if (t.type === "function") out.push(this.fn(t));
      else if (t.type === "namespace") {
        const ns = str(t.name) ?? "";
        for (const inner of objs(t.tools)) if (inner.type === "function") out.push(this.fn(inner, ns));
      } else if (t.type === "custom") {
        const name = str(t.name) ?? "";
        this.byUpstream.set(name, { kind: "custom", name });
        const format = obj(t.format);
        const grammar =
          format?.type === "grammar"
            ? `\n\nThe input must follow this ${str(format.syntax) ?? ""} grammar:\n${str(format.definition) ?? ""}`
            : "";
        out.push({
          name,
          description: `${str(t.description) ?? ""}${grammar}`,
          parameters: {
            type: "object",
            properties: { input: { type: "string", description: "The raw input for the tool." } },
            required: ["input"],
          },
        });
      } else hints.push(`tools[${String(t.type)}]`);
    }
    return out;
  }
}
