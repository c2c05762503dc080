// Runs a WASI preview1 program under Node's node:wasi with wharf run's
// option syntax, so tests/wasi/run.sh can compare the two:
//   node run_node.mjs [--dir HOST[::GUEST]] [--dir-ro ...] [--env K=V]
//                     [--env-inherit] FILE.wasm [ARGS...]
// Node has no read-only preopens; --dir-ro maps to a normal preopen, so only
// tests that do not rely on read-only enforcement may be compared.
// Exit status: the guest's proc_exit code.
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length && argv[i].startsWith('--'); i++) {
  const opt = argv[i];
  if (opt === '--') { i++; break; }
  if (opt === '--env-inherit') { Object.assign(env, process.env); continue; }
  const val = argv[++i];
  if (val === undefined) { console.error(`run_node: ${opt} needs a value`); process.exit(1); }
  if (opt === '--dir' || opt === '--dir-ro') {
    const sep = val.indexOf('::');
    const host = sep < 0 ? val : val.slice(0, sep);
    const guest = sep < 0 ? val : val.slice(sep + 2);
    preopens[guest] = host;
  } else if (opt === '--env') {
    const eq = val.indexOf('=');
    env[val.slice(0, eq)] = val.slice(eq + 1);
  } else {
    console.error(`run_node: unsupported option ${opt}`);
    process.exit(1);
  }
}
const file = argv[i];
const wasi = new WASI({ version: 'preview1', args: [file, ...argv.slice(i + 1)], env, preopens,
                        returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
