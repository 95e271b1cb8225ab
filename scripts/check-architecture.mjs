#!/usr/bin/env node
// Architecture rules as code (DESIGN.md "Rules that keep the house easy to live in"):
//  1. a module imports another module only through its public `index.ts`;
//  2. dependencies point one way: cli → modules → core (core imports no module);
//  3. no cycles between modules.
// Prints every violation and exits 1 when there is one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const moduleOf = (file) => relative(src, file).split(sep)[0];
const violations = [];
const edges = new Map();

for (const file of walk(src)) {
  const from = moduleOf(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (!spec || !spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (!target.startsWith(src + sep)) continue;
    const to = moduleOf(target);
    if (to === from) continue;
    const rel = relative(src, file);
    if (relative(join(src, to), target) !== 'index.ts') {
      violations.push(`${rel}: imports ${spec}, which is inside module '${to}'; import '${to}/index.js' instead`);
    }
    if (from === 'core') violations.push(`${rel}: core must not import module '${to}'`);
    if (to === 'cli') violations.push(`${rel}: nothing imports cli`);
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
  }
}

// Cycle detection over module edges.
const state = new Map();
function visit(node, path) {
  if (state.get(node) === 'done') return;
  if (state.get(node) === 'active') {
    violations.push(`module cycle: ${[...path.slice(path.indexOf(node)), node].join(' → ')}`);
    return;
  }
  state.set(node, 'active');
  for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
  state.set(node, 'done');
}
for (const node of edges.keys()) visit(node, []);

if (violations.length > 0) {
  console.error(`architecture check failed (${violations.length}):\n  ` + violations.join('\n  '));
  process.exit(1);
}
console.log('architecture check passed');
