import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlannedTask } from './tasks.js';

/** The consume variants a baseline adds by default (BENCH_BASELINE_LABELS overrides). */
const DEFAULT_LABELS = ['karafka-batch', 'karafka-single'];

const here = dirname(fileURLToPath(import.meta.url));
// dist/test/bench -> the repository root
const repoRoot = join(here, '..', '..', '..');

export interface Baseline {
  readonly ref: string;
  /** Extra variants that run the baseline build's worker, labelled `<label>@<ref>`. */
  readonly tasks: PlannedTask[];
  remove(): void;
}

/**
 * `BENCH_BASELINE=<git ref>`: exports that ref (git archive, no worktree or branch is created)
 * into a temporary folder, builds its benchmark there with this checkout's node_modules, and
 * returns variants that run its worker next to the current ones, so one run compares both on
 * the same broker, data and machine load.
 */
export function prepareBaseline(
  ref: string,
  plan: PlannedTask[],
  log: (line: string) => void,
): Baseline {
  const labels = (process.env.BENCH_BASELINE_LABELS ?? DEFAULT_LABELS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'karafka-bench-baseline-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    log(`baseline ${ref}: exporting and building it in ${dir}...`);
    const archive = join(dir, 'source.tar');
    execFileSync('git', ['archive', '--format=tar', '-o', archive, ref], { cwd: repoRoot });
    execFileSync('tar', ['-xf', archive, '-C', dir]);
    rmSync(archive);
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules', 'typescript7', 'bin', 'tsc'), '-p', 'tsconfig.bench.json'],
      { cwd: dir, stdio: 'inherit' },
    );
    const workerPath = join(dir, 'dist', 'test', 'bench', 'worker.js');
    if (!existsSync(workerPath)) throw new Error(`${ref} has no benchmark worker (${workerPath})`);
    const tasks = plan
      .filter((task) => labels.includes(task.label))
      .map((task) => ({
        ...task,
        label: `${task.label}@${ref}`,
        title: `${task.title} (baseline ${ref})`,
        workerPath,
      }));
    if (!tasks.length) throw new Error(`BENCH_BASELINE_LABELS matches no planned variant`);
    return { ref, tasks, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
