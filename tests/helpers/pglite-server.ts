/**
 * A real Postgres (PGlite: Postgres compiled to WASM) with pgvector, served over
 * the Postgres wire protocol on a free local port, so tests and measurements
 * use the production client (`pg`) and SQL unchanged. In memory unless a data
 * directory is given.
 *
 * As a script it serves until interrupted:
 *   npx tsx tests/helpers/pglite-server.ts [--port 5432] [--data-dir DIR]
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

export type PgliteServer = {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Stops listening and closes the database. */
  stop(): Promise<void>;
};

/** Starts PGlite with the vector extension behind a socket server; port 0 picks a free port. */
export async function startPgliteServer(
  options: { port?: number; dataDir?: string; maxConnections?: number; withoutVector?: boolean } = {},
): Promise<PgliteServer> {
  // `withoutVector` gives a Postgres where `CREATE EXTENSION vector` fails, as on a server without pgvector.
  const db = await PGlite.create(options.dataDir ?? "memory://", options.withoutVector ? {} : { extensions: { vector } });
  // PGlite has one backend session that every connection shares (the socket server queues their
  // messages), so each client should use one connection and clients should not run concurrently.
  const server = new PGLiteSocketServer({ db, port: options.port ?? 0, host: "127.0.0.1", maxConnections: options.maxConnections ?? 4 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { port: { type: "string" }, "data-dir": { type: "string" } } });
  const server = await startPgliteServer({ port: values.port ? Number(values.port) : 5432, dataDir: values["data-dir"] });
  console.log(`PGlite with pgvector listening: DATABASE_URL=${server.url}`);
  const shutdown = () => {
    // Closing the WASM database can outlast a pending connection; exit regardless after a moment.
    setTimeout(() => process.exit(0), 2000).unref();
    void server.stop().finally(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
