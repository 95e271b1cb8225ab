// Jest reporter that writes the run's aggregated results to `.jest-results.json` in the repo root,
// in the shape of `jest --json` (a `testResults[]` per file, each with `assertionResults[]`).
// `scripts/check-lanes.mjs` reads it in CI (docs/decisions/0002-test-lanes.md).
// Plain ESM JS so jest loads it without a transform.
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const errorJson = (err) => (err == null ? null : { message: String(err.message ?? err), stack: err.stack ?? null });

function suiteJson(r) {
  const ranWithFailure = r.testExecError != null || r.numFailingTests > 0 || Boolean(r.failureMessage);
  return {
    name: r.testFilePath,
    // A file that failed to run (syntax error, failing hook, no tests) is 'failed' even with zero failing tests.
    status: ranWithFailure ? 'failed' : r.skipped ? 'skipped' : 'passed',
    message: r.failureMessage ?? r.testExecError?.message ?? '',
    testExecError: errorJson(r.testExecError),
    numPassingTests: r.numPassingTests,
    numFailingTests: r.numFailingTests,
    numPendingTests: r.numPendingTests,
    numTodoTests: r.numTodoTests,
    startTime: r.perfStats?.start,
    endTime: r.perfStats?.end,
    assertionResults: (r.testResults ?? []).map((a) => ({
      ancestorTitles: a.ancestorTitles,
      title: a.title,
      fullName: a.fullName,
      status: a.status, // passed | failed | pending | todo | skipped | disabled | focused
      duration: a.duration ?? null,
      failureMessages: a.failureMessages ?? [],
    })),
  };
}

export default class ResultsReporter {
  constructor(globalConfig, options = {}) {
    this.file = resolve(globalConfig.rootDir ?? process.cwd(), options.outputFile ?? '.jest-results.json');
  }

  onRunComplete(_testContexts, results) {
    // No `success`: jest decides it only after the reporters ran (it is always false here).
    const out = {
      wasInterrupted: results.wasInterrupted,
      startTime: results.startTime,
      numTotalTests: results.numTotalTests,
      numPassedTests: results.numPassedTests,
      numFailedTests: results.numFailedTests,
      numPendingTests: results.numPendingTests,
      numTodoTests: results.numTodoTests,
      numTotalTestSuites: results.numTotalTestSuites,
      numPassedTestSuites: results.numPassedTestSuites,
      numFailedTestSuites: results.numFailedTestSuites,
      numPendingTestSuites: results.numPendingTestSuites,
      numRuntimeErrorTestSuites: results.numRuntimeErrorTestSuites,
      testResults: results.testResults.map(suiteJson),
    };
    // Write then rename, so a reader never sees half a file.
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(out, null, 2) + '\n');
    renameSync(tmp, this.file);
  }
}
