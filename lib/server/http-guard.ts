import http from "node:http";
import { toErrorResponse } from "./error-response";
import { checkRequestLine } from "./request-guard";

const processState = globalThis as typeof globalThis & { __httpGuardInstalled?: boolean };

/**
 * Refuses, on the raw Node request and before Next sees it, a method no route answers
 * (405 with Allow) and a path that is not valid percent-encoded UTF-8 (400), with the
 * usual JSON error. Both used to end as a 500 inside Next: undici's Request, which Next
 * builds for every route, throws on TRACE/TRACK/CONNECT. Not in proxy.ts on purpose: a
 * proxy that matches API routes makes Next buffer (and cut at 10 MB) every request body.
 * Installed once per process, from instrumentation.ts, on every Node HTTP server.
 */
export function installHttpGuard(): void {
  if (processState.__httpGuardInstalled) return;
  processState.__httpGuardInstalled = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
      const refused = checkRequestLine(request.method ?? "", (request.url ?? "/").split("?")[0] ?? "/");
      if (refused) {
        void answer(response, toErrorResponse(refused));
        request.resume();
        return true;
      }
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}

async function answer(response: http.ServerResponse, web: Response): Promise<void> {
  const body = Buffer.from(await web.arrayBuffer());
  response.writeHead(web.status, { ...Object.fromEntries(web.headers), "content-length": body.length });
  response.end(body);
}
