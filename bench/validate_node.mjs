// Reference for decode.sh: V8's decode+validate of a module without compiling
// it (WebAssembly.validate). Exits 1 if the module is invalid.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate_node.mjs MODULE.wasm");
  process.exit(2);
}
if (!WebAssembly.validate(readFileSync(file))) {
  console.error(`${file}: invalid`);
  process.exit(1);
}
