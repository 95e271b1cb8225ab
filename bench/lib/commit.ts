/** Which code is measured: the commit of the working tree (marked -dirty) or an exported ref. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

/** Short commit of HEAD, with "-dirty" when the code that runs (src/, package files) differs from it. */
export function workingTreeCommit(repo: string): string {
  try {
    const sha = git(repo, 'rev-parse', '--short=10', 'HEAD');
    const dirty = git(repo, 'status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json') !== '';
    return dirty ? `${sha}-dirty` : sha;
  } catch {
    return 'unknown';
  }
}

/**
 * Exports the tree of `ref` into a fresh temporary folder (git archive, so the repository is not
 * touched) with a symlink to the repository's node_modules, and returns the folder and the commit.
 */
export function exportRef(repo: string, ref: string): { dir: string; commit: string } {
  const sha = git(repo, 'rev-parse', '--short=10', `${ref}^{commit}`);
  const dir = mkdtempSync(join(tmpdir(), `tsunagu-bench-${sha}-`));
  execFileSync('sh', ['-c', `git archive --format=tar "$1" | tar -x -C "$2"`, 'sh', sha, dir], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, commit: sha };
}
