// Writes the data files Yosys reads at run time (techmap.v, cell libraries,
// ...) out of @yowasp/yosys's resources-yosys.js into a real directory tree,
// so the core module can run under a plain WASI runtime with it preopened as
// /share. The package's JS runtime builds this tree in memory instead.
//   node yosys_share.mjs PACKAGE_DIR OUT_DIR
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error('usage: node yosys_share.mjs PACKAGE_DIR OUT_DIR');
  process.exit(2);
}
const { filesystem } = await import(pathToFileURL(resolve(pkgDir, 'gen/resources-yosys.js')).href);
if (!filesystem?.share) {
  console.error('yosys_share: resources-yosys.js has no filesystem.share');
  process.exit(1);
}
let count = 0;
// A tree maps names to subtrees, file contents (string or bytes), or URLs of
// files shipped beside the script.
function write(tree, dir) {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof value === 'string' || value instanceof Uint8Array) writeFileSync(path, value);
    else if (value instanceof URL) copyFileSync(fileURLToPath(value), path);
    else { write(value, path); continue; }
    count++;
  }
}
write(filesystem.share, outDir);
console.log(`yosys_share: ${count} files in ${outDir}`);
