import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { findFreePort } from "./free-port";

const listening: net.Server[] = [];

/** Binds `port` on loopback; rejects with the bind error (EADDRINUSE when taken). */
function bind(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      listening.push(server);
      resolve(server);
    });
  });
}

afterEach(async () => {
  await Promise.all(listening.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("findFreePort", () => {
  it("returns a port that can really be bound on loopback", async () => {
    const port = await findFreePort();
    const server = await bind(port);
    expect((server.address() as net.AddressInfo).port).toBe(port);
  });

  it("never returns the same port twice, also to concurrent callers", async () => {
    const ports = await Promise.all(Array.from({ length: 32 }, () => findFreePort()));
    expect(new Set(ports).size).toBe(ports.length);
    // Every one of them binds at the same time: none is in use by this process or another.
    await Promise.all(ports.map((port) => bind(port)));
  });
});
