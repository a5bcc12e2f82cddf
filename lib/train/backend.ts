import { createRequire } from "node:module";
import path from "node:path";
import { tf } from "./tf";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/**
 * Selects the TF.js backend for training: WebAssembly (SIMD, several times
 * faster than plain JS here) or the pure-JS CPU backend. Both install offline.
 */
export async function setTrainingBackend(name: "wasm" | "cpu"): Promise<void> {
  if (name === "wasm") {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
    setWasmPaths(`${path.join(dist, "dist")}/`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} failed to initialise`);
  await tf.ready();
}
