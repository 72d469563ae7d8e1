// Jest's global setup: src/ compiled to JavaScript for the tests that run the product as a child
// process (the action's entry), so they run what a developer changed, never a stale lib/ or
// dist/. Each file is transpiled on its own (tsconfig sets isolatedModules, so this is what tsc
// emits, byte for byte but the source map line) and kept by content hash: an unchanged tree costs
// a hash per file, a change one transpile per changed file.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Where the compiled source lives (the tests run from the project root, as `npm test` does): under
 * node_modules/ so that the product's imports of its dependencies resolve, with a package.json of
 * its own, because Node looks for no package scope above a node_modules folder. Named after the
 * checkout, so checkouts that share one node_modules (a symlink) never run each other's code.
 */
const COMPILED_SOURCE = resolve(
  'node_modules/.cache/agentos',
  `lib-${createHash('sha256').update(realpathSync('.')).digest('hex').slice(0, 12)}`,
);
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
  writeFileSync(MANIFEST, `${JSON.stringify(next, null, 2)}\n`);
  return transpiled;
}

export default function globalSetup(): void {
  compileSource();
  process.env[COMPILED_SOURCE_VARIABLE] = COMPILED_SOURCE;
}
