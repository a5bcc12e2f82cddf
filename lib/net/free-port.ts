import net from "node:net";

/** Ports this process handed out: a second caller never gets one before the first has bound it. */
const handedOut = new Set<number>();
const maxTries = 20;

/**
 * A loopback TCP port nothing listens on now, never one this process returned
 * before (servers started side by side get distinct ports). Another process can
 * still take it before the caller binds: bind soon.
 */
export async function findFreePort(): Promise<number> {
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const port = await probePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`No new free port after ${maxTries} tries`);
}

/** Port 0 asks the kernel for a free ephemeral port; closing the probe leaves it unbound. */
function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("The probe has no port"))));
    });
  });
}
