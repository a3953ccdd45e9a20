/**
 * An earlier release of rectify, built from this repository's history in a scratch directory on
 * this checkout's node_modules: what a running deployment upgrades from (the fault suite's upgrade).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PATCHES } from '../../workflows/patches';
import { ROOT } from './harness';

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/**
 * The release before the newest named patch: the parent of the commit that added it to
 * workflows/patches.ts. Measures it started are the ones that patch exists for.
 */
export function releaseBeforeNewestPatch(): string {
  const id = Object.values(PATCHES).at(-1)!;
  const added = git('log', '--format=%H', '--reverse', '-S', `'${id}'`, '--', 'workflows/patches.ts').split('\n')[0];
  if (!added) throw new Error(`no commit adds the patch '${id}' to workflows/patches.ts (a shallow clone? fetch its history)`);
  return git('rev-parse', '--short', `${added}^`);
}

/** The code at `commit`, extracted into `dir` and built there (tsc) on this checkout's node_modules; `dir` is its root. */
export function buildRelease(commit: string, dir: string): { root: string; commit: string } {
  const full = git('rev-parse', '--verify', `${commit}^{commit}`);
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, '..', `release-${full.slice(0, 12)}.tar`);
  git('archive', '--output', archive, full);
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: dir,
    stdio: 'inherit',
  });
  return { root: dir, commit: git('rev-parse', '--short', full) };
}
