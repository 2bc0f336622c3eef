import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decideBuild, sourceDigest } from './source-digest';

/**
 * `npm start` and `npm test` run this: it builds the production app (`npm run build:app`) only when a source changed
 * since the last successful build, which it records as a digest of the sources in `.next/`. `--always` builds
 * regardless (`npm run build`). Exits with the build's status.
 */
const root = process.cwd();
const stampFile = path.join(root, '.next', 'osl-source-digest');
const outputs = [path.join(root, '.next', 'BUILD_ID'), path.join(root, 'dist', 'server.mjs')];

const currentDigest = sourceDigest(root);
const decision = decideBuild({
  always: process.argv.includes('--always'),
  outputsExist: outputs.every((file) => existsSync(file)),
  recordedDigest: existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : undefined,
  currentDigest,
});

if (!decision.build) {
  console.log('Build is up to date (no source changed since the last build).');
} else {
  const why = {
    asked: 'Building',
    'no-build': 'No build yet: building',
    'no-stamp': 'Building (the last build was not recorded)',
    'sources-changed': 'Sources changed since the last build: building',
  }[decision.reason];
  console.log(`${why} (next build, about a minute)…`);
  // A build that fails or is interrupted must not leave the previous digest behind.
  rmSync(stampFile, { force: true });
  const run = spawnSync('npm', ['run', '--silent', 'build:app'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  // The digest taken before the build: a source edited while it ran makes the next start build again.
  writeFileSync(stampFile, `${currentDigest}\n`);
}
