import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest by far (randomized suites of real CPU work, 15-55 s each on two idle cores). They start
 * first even on a fresh clone, where vitest has no timings yet and would order by file size: started last, one of
 * them runs alone on one core for most of a minute after everything else is done.
 */
const LONGEST = ['e2e/integration/sync-fuzz.test.ts', 'lib/sync/convergence.test.ts'];

/**
 * Longest first across both projects (vitest's own order keeps projects apart, so the unit files with the longest
 * timings would wait behind every integration file): files that failed last time, then the files above, then files
 * without a timing (new ones), then by the last run's duration, then by size.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const ranked = files.map((spec) => {
      const file = relative(config.root, spec.moduleId);
      const key = `${spec.project.name}:${file}`;
      const result = cache.getFileTestResults(key);
      const longest = LONGEST.indexOf(file);
      return {
        spec,
        key: [
          result?.failed ? 0 : 1,
          longest < 0 ? LONGEST.length : longest,
          result ? 1 : 0,
          -(result?.duration ?? 0),
          -(cache.getFileStats(key)?.size ?? 0),
        ],
      };
    });
    ranked.sort((a, b) => {
      for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
      return 0;
    });
    return ranked.map((entry) => entry.spec);
  }
}
