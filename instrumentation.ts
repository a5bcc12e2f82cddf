/** Next calls this once per server process at start-up, before it serves a request. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installHttpGuard } = await import("./lib/server/http-guard");
  installHttpGuard();
}
