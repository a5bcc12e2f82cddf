import { createRequire } from "node:module";
import "@tensorflow/tfjs-backend-cpu";

// tfjs-core's CommonJS build registers no gradients and its ES build cannot be
// loaded by Node directly; the union package's CommonJS bundle registers them
// all, in the registry shared with the tfjs-core instance imported below.
createRequire(import.meta.url)("@tensorflow/tfjs");

export * as tf from "@tensorflow/tfjs-core";
