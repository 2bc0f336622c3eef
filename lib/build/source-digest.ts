import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type BuildInputs = { folders: readonly string[]; files: readonly string[] };

/** What the production build is made from: these folders (recursively) and these single files. */
export const BUILD_INPUTS: BuildInputs = {
  folders: ['app', 'components', 'lib', 'public', 'drizzle'],
  files: [
    'server.ts',
    'proxy.ts',
    'next.config.mjs',
    'postcss.config.mjs',
    'tsconfig.json',
    'package.json',
    'package-lock.json',
  ],
};

/** Files in the input folders that do not go into the build: tests and notes. */
const notBuilt = /(\.test\.tsx?|\.md)$/;

/** The input files under `root` that exist, as sorted paths relative to `root` with `/` separators. */
export function buildInputFiles(root: string, inputs: BuildInputs = BUILD_INPUTS): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !notBuilt.test(entry.name)) found.push(child);
    }
  };
  for (const folder of inputs.folders)
    if (existsSync(path.join(root, folder)) && statSync(path.join(root, folder)).isDirectory()) walk(folder);
  for (const file of inputs.files) if (existsSync(path.join(root, file))) found.push(file);
  return found.sort();
}

/**
 * A digest of everything a build depends on: each input file's path and content, the Node version and the
 * NEXT_PUBLIC_ variables (Next inlines them into the client bundle). Adding, removing, renaming or editing a source
 * changes it; touching a file without changing it does not.
 */
export function sourceDigest(
  root: string,
  env: Record<string, string | undefined> = process.env,
  inputs: BuildInputs = BUILD_INPUTS,
): string {
  const hash = createHash('sha256');
  hash.update(`node ${process.version}\0`);
  for (const key of Object.keys(env).sort())
    if (key.startsWith('NEXT_PUBLIC_')) hash.update(`env ${key}=${env[key] ?? ''}\0`);
  for (const file of buildInputFiles(root, inputs)) {
    const content = readFileSync(path.join(root, file));
    hash.update(`file ${file} ${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

export type BuildDecision =
  | { build: false }
  | { build: true; reason: 'asked' | 'no-build' | 'no-stamp' | 'sources-changed' };

/**
 * Whether to build: always when asked, when an output is missing, when no successful build recorded its digest,
 * or when the sources' digest differs from the recorded one.
 */
export function decideBuild(state: {
  always: boolean;
  outputsExist: boolean;
  recordedDigest: string | undefined;
  currentDigest: string;
}): BuildDecision {
  if (state.always) return { build: true, reason: 'asked' };
  if (!state.outputsExist) return { build: true, reason: 'no-build' };
  if (state.recordedDigest === undefined) return { build: true, reason: 'no-stamp' };
  if (state.recordedDigest !== state.currentDigest) return { build: true, reason: 'sources-changed' };
  return { build: false };
}
