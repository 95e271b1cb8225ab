#!/usr/bin/env node
// `npm run build` step after tsc: copies every non-TypeScript asset under src/ (JSON-LD contexts, SQL migrations,
// YAML/JSON documents, web pages) to the same relative path under dist/, so code that finds its files with
// `import.meta.url` works the same from dist/ as from src/.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const ASSETS = new Set(['.jsonld', '.sql', '.yaml', '.json', '.html', '.css']);

function* assets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(p);
    else if (entry.isFile() && ASSETS.has(extname(entry.name).toLowerCase())) yield p;
  }
}

let copied = 0;
for (const file of assets(src)) {
  const target = join(dist, relative(src, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
  copied++;
}
console.log(`copy-assets: copied ${copied} file${copied === 1 ? '' : 's'} from src/ to dist/`);
