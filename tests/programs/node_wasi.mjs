// The reference runner: a WASI preview1 command under Node's node:wasi, with
// the subset of `wharf run` options the program tests use, so one command
// line serves both engines:
//   node node_wasi.mjs [--dir HOST[::GUEST]] [--dir-ro HOST[::GUEST]] FILE.wasm [ARGS...]
// Node has no read-only preopens (--dir-ro is a plain preopen). Exit status:
// the guest's proc_exit code.
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const preopens = {};
let i = 0;
for (; i < argv.length && argv[i].startsWith('--'); i += 2) {
  const [opt, val] = [argv[i], argv[i + 1]];
  if ((opt !== '--dir' && opt !== '--dir-ro') || val === undefined) {
    console.error(`node_wasi: unsupported option ${opt}`);
    process.exit(2);
  }
  const sep = val.indexOf('::');
  preopens[sep < 0 ? val : val.slice(sep + 2)] = sep < 0 ? val : val.slice(0, sep);
}
const file = argv[i];
const wasi = new WASI({ version: 'preview1', args: [file, ...argv.slice(i + 1)], env: {}, preopens,
                        returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
