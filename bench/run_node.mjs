// Runs a benchmark module on Node's V8: compile, instantiate with no imports,
// call the exported run() once and print the i64 result (a BigInt) in decimal,
// exactly like the native driver. Timing is done from outside (whole process).
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node run_node.mjs KERNEL.wasm");
  process.exit(2);
}
const module = new WebAssembly.Module(readFileSync(file));
const instance = new WebAssembly.Instance(module, {});
console.log(instance.exports.run().toString());
