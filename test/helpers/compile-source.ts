// Jest's global setup: src/ compiled to JavaScript for the tests that run the product as a child
// process (the action's entry), so they run what a developer changed, never a stale lib/ or
// dist/. Each file is transpiled on its own (tsconfig sets isolatedModules, so this is what tsc
// emits, byte for byte but the source map line) and kept by content hash: an unchanged tree costs
// a hash per file, a change one transpile per changed file. It also picks the folder the tests'
// temporary repositories live in: one of this run's own on a RAM-backed file system when the machine
// has one (/dev/shm), so that git's and the runtime's fsyncs and renames wait for no disk; the
// system's temporary folder otherwise. global-teardown.ts removes it. (Jest loads this file alone,
// without the test's module mapping: it cannot import the project's other .ts files.)
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Where the compiled source lives (the tests run from the project root, as `npm test` does): under
 * node_modules/ so that the product's imports of its dependencies resolve, with a package.json of
 * its own, because Node looks for no package scope above a node_modules folder. Laid out as an
 * installed package (`lib/` with a copy of `template/` beside it, where `init` looks for it) in a
 * folder named after the checkout, so checkouts that share one node_modules (a symlink) never run
 * each other's code.
 */
const INSTALLED = resolve(
  'node_modules/.cache/agentos',
  `package-${createHash('sha256').update(realpathSync('.')).digest('hex').slice(0, 12)}`,
);
const COMPILED_SOURCE = join(INSTALLED, 'lib');
/** How the tests learn where it is: test workers inherit the setup's environment. */
const COMPILED_SOURCE_VARIABLE = 'AGENTOS_COMPILED_SOURCE';
const MANIFEST = join(COMPILED_SOURCE, 'manifest.json');

interface Manifest {
  /** Hash of the TypeScript version and compiler options: any change recompiles everything. */
  settings: string;
  /** Source path under src/ → hash of the content its output was compiled from. */
  files: Record<string, string>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function buildSettings(): { files: string[]; options: ts.CompilerOptions; rootDir: string } {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    resolve('tsconfig.build.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('tsconfig.build.json cannot be read');
  // One file alone cannot tell NodeNext that it is ESM (package.json says so), so it is said
  // outright; source maps would point into this cache, so they are left out.
  const { moduleResolution: _resolution, ...options } = parsed.options;
  return {
    files: parsed.fileNames,
    options: { ...options, module: ts.ModuleKind.ES2022, sourceMap: false },
    rootDir: parsed.options.rootDir ?? resolve('src'),
  };
}

function readManifest(settings: string): Manifest {
  if (existsSync(MANIFEST)) {
    const previous = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
    if (previous.settings === settings) return previous;
  }
  return { settings, files: {} };
}

/** Brings COMPILED_SOURCE up to date with src/; returns how many files were transpiled. */
export function compileSource(): number {
  const { files, options, rootDir } = buildSettings();
  const settings = sha256(JSON.stringify({ typescript: ts.version, options }));
  const previous = readManifest(settings);
  const next: Manifest = { settings, files: {} };
  const output = (key: string) => join(COMPILED_SOURCE, key.replace(/\.ts$/, '.js'));
  mkdirSync(COMPILED_SOURCE, { recursive: true });
  let transpiled = 0;
  for (const file of files) {
    const key = relative(rootDir, file);
    const source = readFileSync(file, 'utf8');
    const hash = sha256(source);
    next.files[key] = hash;
    if (previous.files[key] === hash && existsSync(output(key))) continue;
    const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: file });
    mkdirSync(dirname(output(key)), { recursive: true });
    // Written aside and renamed, so a test run never reads half a file.
    const partial = `${output(key)}.${process.pid}.tmp`;
    writeFileSync(partial, outputText);
    renameSync(partial, output(key));
    transpiled++;
  }
  // A module whose source is gone goes too: importing it must fail as it would from lib/.
  for (const key of Object.keys(previous.files))
    if (!(key in next.files)) rmSync(output(key), { force: true });
  writeFileSync(join(COMPILED_SOURCE, 'package.json'), '{ "type": "module" }\n');
  // The template as this checkout has it now, copied (a link would be copied as a link by init).
  rmSync(join(INSTALLED, 'template'), { recursive: true, force: true });
  cpSync(resolve('template'), join(INSTALLED, 'template'), { recursive: true });
  writeFileSync(MANIFEST, `${JSON.stringify(next, null, 2)}\n`);
  return transpiled;
}

const RAM_BACKED = '/dev/shm';
/** The folder's name starts with this and the jest process's id. */
const PREFIX = 'agentos-tests-';
/** Set it to keep the tests' files in a folder of your choice (it is then left in place). */
const TEST_TMPDIR_VARIABLE = 'AGENTOS_TEST_TMPDIR';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A running suite makes folders in its own all the time: an hour without one means it is gone. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * Folders of earlier runs killed before their teardown: their jest process is gone (or is not one
 * this process can see) and nothing was made in them for an hour.
 */
function removeAbandoned(base: string): void {
  for (const name of readdirSync(base)) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    const folder = join(base, name);
    try {
      if (Date.now() - statSync(folder).mtimeMs > ABANDONED_AFTER_MS)
        rmSync(folder, { recursive: true, force: true });
    } catch {
      // Removed by another run first.
    }
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Makes this run's folder and points TMPDIR at it (jest's workers and every child process inherit
 * it, and `os.tmpdir()` reads it); returns the folder to remove at the end, if any.
 */
export function useTestTempRoot(): string | undefined {
  if (process.env[TEST_TMPDIR_VARIABLE]) {
    process.env.TMPDIR = process.env[TEST_TMPDIR_VARIABLE];
    return undefined;
  }
  const base = isFolder(RAM_BACKED) ? RAM_BACKED : tmpdir();
  let root: string;
  try {
    removeAbandoned(base);
    root = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  } catch {
    // /dev/shm exists but is not ours to write: the system's temporary folder will do.
    root = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  }
  process.env.TMPDIR = root;
  return root;
}

/** How the teardown (global-teardown.ts, run in this same process) learns what to remove. */
const TEMP_ROOT_VARIABLE = 'AGENTOS_TEST_TEMP_ROOT';

export default function globalSetup(): void {
  const root = useTestTempRoot();
  if (root) process.env[TEMP_ROOT_VARIABLE] = root;
  compileSource();
  process.env[COMPILED_SOURCE_VARIABLE] = COMPILED_SOURCE;
}
