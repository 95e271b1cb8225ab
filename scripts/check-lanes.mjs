#!/usr/bin/env node
// Checks that every required test lane really ran (docs/decisions/0002-test-lanes.md).
//
//   node scripts/check-lanes.mjs [--results FILE] LANE...
//
// A test belongs to lane `x` when its full name contains `[x]`, e.g. describe('[postgres] entity store', …).
// Reads jest's results (default `.jest-results.json` in the repo root, written by test/support/results-reporter.js)
// and exits 1 when the file is missing or unreadable, or when a required lane has no passed test or any
// skipped/pending/todo test. Test failures themselves are reported by jest's exit code, not here.
// The last line printed, alone on its line, is always the totals `N passed, N failed` (when the file could be read),
// where a file that failed to run counts as at least one failure.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LANE_TAG = /\[([a-z0-9][a-z0-9-]*)\]/g;
const SKIPPED = new Set(['pending', 'skipped', 'todo', 'disabled']);
const SHOW = 10; // how many skipped test names to list per lane

function parseArgs(argv) {
  let results = resolve(root, '.jest-results.json');
  const lanes = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--results') results = resolve(argv[++i] ?? '');
    else if (a.startsWith('--results=')) results = resolve(a.slice('--results='.length));
    else if (a.startsWith('-')) fail(`unknown option ${a}\nusage: check-lanes.mjs [--results FILE] LANE...`);
    else lanes.push(...a.split(/[\s,]+/).filter(Boolean));
  }
  return { results, lanes: [...new Set(lanes)] };
}

function fail(message) {
  console.error(`check-lanes: ${message}`);
  process.exit(1);
}

const { results: resultsFile, lanes: required } = parseArgs(process.argv.slice(2));

let results;
try {
  results = JSON.parse(readFileSync(resultsFile, 'utf8'));
} catch (err) {
  fail(
    err.code === 'ENOENT'
      ? `no test results at ${resultsFile}: jest did not finish a run ` +
          `(did the type check or the architecture check fail first?)`
      : `cannot read ${resultsFile}: ${err.message}`,
  );
}

const suites = Array.isArray(results.testResults) ? results.testResults : [];

// Totals. A file that failed to run (or failed outside any test, e.g. in afterAll) has no failing test of its own:
// count it as one failure so "0 failed" never hides a broken file.
let failed = 0;
const brokenFiles = [];
for (const s of suites) {
  const failingTests = (s.assertionResults ?? []).filter((a) => a.status === 'failed').length;
  const broken = s.status === 'failed' || s.testExecError != null || Boolean(s.failureMessage);
  if (broken && failingTests === 0) brokenFiles.push(s.name);
  failed += broken ? Math.max(1, failingTests) : failingTests;
}
failed = Math.max(failed, (results.numFailedTests ?? 0) + (results.numRuntimeErrorTestSuites ?? 0));
if (results.wasInterrupted && failed === 0) failed = 1;
const passed = results.numPassedTests ?? 0;

// Lanes.
const lanes = new Map();
const laneOf = (name) => {
  if (!lanes.has(name)) lanes.set(name, { passed: 0, failed: 0, skipped: [] });
  return lanes.get(name);
};
for (const lane of required) laneOf(lane);
for (const s of suites) {
  for (const a of s.assertionResults ?? []) {
    const fullName = a.fullName ?? [...(a.ancestorTitles ?? []), a.title].join(' ');
    for (const [, lane] of fullName.matchAll(LANE_TAG)) {
      const l = laneOf(lane);
      if (a.status === 'passed') l.passed++;
      else if (a.status === 'failed') l.failed++;
      else if (SKIPPED.has(a.status)) l.skipped.push(`${relative(root, s.name)}: ${fullName} (${a.status})`);
    }
  }
}

const problems = [];
for (const [name, l] of [...lanes].sort(([a], [b]) => a.localeCompare(b))) {
  const isRequired = required.includes(name);
  let verdict = isRequired ? 'ok' : 'not required';
  if (isRequired && l.passed === 0) {
    verdict = 'MISSING';
    problems.push(
      `required lane '${name}' has no passed test: no test with '[${name}]' in its name passed` +
        (l.skipped.length ? ` (${l.skipped.length} skipped)` : l.failed ? '' : ' (none ran at all)') +
        `. Is the service's test variable set, and does a suite name itself '[${name}] …'?`,
    );
  }
  if (isRequired && l.skipped.length > 0) {
    if (verdict === 'ok') verdict = 'SKIPPED TESTS';
    const list = l.skipped.slice(0, SHOW).map((t) => `\n    ${t}`).join('');
    const more = l.skipped.length > SHOW ? `\n    … and ${l.skipped.length - SHOW} more` : '';
    problems.push(`required lane '${name}' skipped ${l.skipped.length} test(s); a required lane must not skip:${list}${more}`);
  }
  console.log(`lane ${name}: ${l.passed} passed, ${l.failed} failed, ${l.skipped.length} skipped (${verdict})`);
}
for (const f of brokenFiles) console.log(`file failed outside its tests (did not run, or a hook failed): ${relative(root, f)}`);
for (const p of problems) console.log(`check-lanes: ${p}`);
if (problems.length === 0 && required.length > 0) console.log(`check-lanes: required lanes ok: ${required.join(', ')}`);

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = problems.length > 0 ? 1 : 0;
