// The reference for quickjs_host: the same reactor (quickjs-wasi's
// quickjs.wasm) driven from Node by the package's own JS API, with the same
// command line and output format:
//   node quickjs_node.mjs PACKAGE_DIR [FILE.js | -e CODE]...
// Each script is evaluated in one context, in order; print() is a host
// function; pending jobs run after each script; its value is printed as
// "=> VALUE". An uncaught exception prints "uncaught: ..." and exits 1.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkgDir, ...rest] = process.argv.slice(2);
const { QuickJS } = await import(pathToFileURL(resolve(pkgDir, 'dist/index.js')).href);
const vm = await QuickJS.create({ wasm: readFileSync(resolve(pkgDir, 'quickjs.wasm')) });
const print = vm.newFunction('print', (...args) => {
  process.stdout.write(args.map(a => a.toString()).join(' ') + '\n');
  return vm.undefined;
});
vm.setProp(vm.global, 'print', print);
print.dispose();

for (let i = 0; i < rest.length; i++) {
  const [code, name] = rest[i] === '-e' ? [rest[++i], '<cmdline>'] : [readFileSync(rest[i], 'utf8'), rest[i]];
  try {
    const value = vm.evalCode(code, name);
    vm.executePendingJobs();
    process.stdout.write(`=> ${value.toString()}\n`);
    value.dispose();
  } catch (e) {
    // The exception value converted by JS rules, as quickjs_host prints it.
    process.stdout.write(`uncaught: ${e.handle ? e.handle.toString() : e}\n`);
    process.exit(1);
  }
}
