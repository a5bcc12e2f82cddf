import { parseArgs } from "node:util";
import { z } from "zod";
import { AppError, toAppError } from "../errors";

/**
 * Parses `--name value` / `--flag` options and positionals, then validates them
 * with a zod object schema whose keys are the camelCase option names.
 */
export function parseCliArgs<S extends z.ZodObject>(
  argv: string[],
  schema: S,
): { options: z.infer<S>; positionals: string[] } {
  const shape = schema.shape as Record<string, z.ZodType>;
  const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const spec: Record<string, { type: "string" | "boolean" }> = {};
  for (const [key, field] of Object.entries(shape)) spec[kebab(key)] = { type: isBoolean(field) ? "boolean" : "string" };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new AppError("bad_request", error instanceof Error ? error.message : String(error));
  }
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const value = parsed.values[kebab(key)];
    if (value !== undefined) raw[key] = value;
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const message = result.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ""))}: ${i.message}`).join("; ");
    throw new AppError("bad_request", message);
  }
  return { options: result.data, positionals: parsed.positionals };
}

function isBoolean(field: z.ZodType): boolean {
  let current: z.ZodType = field;
  // Unwrap optional/default wrappers to find the base type.
  for (let i = 0; i < 5; i++) {
    const def = (current as unknown as { def: { type: string; innerType?: z.ZodType } }).def;
    if (def.type === "boolean") return true;
    if (!def.innerType) return false;
    current = def.innerType;
  }
  return false;
}

/**
 * Runs a CLI body with the one error handler at the boundary: AppErrors print
 * their message, anything else prints its stack; the exit code is set, never
 * process.exit inside the body.
 */
export async function runCli(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === "internal") console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    else console.error(`error: ${appError.message}`);
    process.exitCode = appError.code === "bad_request" ? 2 : 1;
  }
}
