// jest globalSetup: jest loads this file as CommonJS outside its ESM transform, so the TypeScript
// preparation (template database, PostgreSQL migrations) runs in a child process under tsx.
import { execFileSync } from 'node:child_process';

export default async function globalSetup() {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/support/prepare-databases.ts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const lines = out.trim().split('\n');
  process.env.TSUNAGU_TEST_PGLITE_TEMPLATE = lines[lines.length - 1];
}
