// Commits built in-process: blobs, the trees on the paths from the root to them, and the commit
// object, written as loose objects (objects.ts); HEAD's branch then moves under git's lock file
// (ref-update.ts), and the person's index takes the committed files (index-write.ts). An
// iteration commits a handful of files, and building that commit with git took five processes
// (update-index on a private index, write-tree, commit-tree, update-ref, and a copy of a
// 10,000-entry index), about as much as the rest of the iteration. Only the trees along the
// written paths are read, with one `git cat-file --batch` per process; the trees of the commits this
// process made are kept. Commits on proposal branches are built the same way, from contents.
//
// Whatever git would do differently is left to git: a repository whose settings or attributes
// change what a commit holds (line-ending conversion, filters, signing, another hash, a shared
// repository's permissions, a working tree elsewhere), or a path that is not a plain file or a
// plain deletion. The builders answer undefined for those, and the caller builds the commit with
// git's own commands.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { GitResult } from './git.js';
import { stageInIndexFile, type CommittedFile } from './index-write.js';
import { TreeFolder } from './tree-folder.js';
import { gitDirFiles, readHeadFile, readTextIfReadable } from './ref-files.js';
import { moveBranchInFiles } from './ref-update.js';
import {
  editEncodedTree,
  encodeCommit,
  encodeTree,
  encodeTreeWithPlaces,
  LooseObjects,
  objectId,
  parseTree,
  placesOfTree,
  signatureText,
  TREE_MODE,
  type EncodedTree,
  type Signature,
  type TreeEntry,
} from './objects.js';

/** What the builder needs of git: its settings, its directory, and HEAD's trees. */
export interface CommitGit {
  readonly workdir: string;
  exec(args: string[], options?: { input?: string; allowFailure?: boolean }): Promise<GitResult>;
  execBytes(args: string[], input: string): Promise<Buffer>;
  gitPath(name: string): Promise<string>;
  gitPathsOf(names: readonly string[]): Promise<string[]>;
  environment(name: string): string | undefined;
}

/** A folder's entries; '' is the root. */
type Folder = TreeFolder;

/**
 * The tree body of each folder read or written by this process, with its entries' places: a
 * folder's entries are never changed once known (an edit copies them first), so its next tree is
 * an edit of this body.
 */
const encodedFolders = new WeakMap<Folder, EncodedTree>();

/** The trees of one commit this process knows, by folder path ('' for the root). */
interface KnownTrees {
  commit: string;
  folders: Map<string, Folder>;
}

export interface BuiltCommit {
  /** The new commit; undefined when its tree would be HEAD's and it is no merge. */
  commit: string | undefined;
  tree: string;
  /** Each path's bytes as committed (null: deleted). */
  committed: Map<string, Buffer | null>;
  /** Built in-process: each path's bytes and mode as committed (null: deleted). */
  files?: ReadonlyMap<string, CommittedFile | null>;
}

/** How long the repository's settings are taken as read: one `git config` a minute at most. */
const SETTINGS_FRESH_MS = 60_000;

/** Thrown inside `build` for what only git can commit as git would; `build` answers undefined. */
class LeaveToGit extends Error {}

/**
 * Attributes that change the bytes git stores for a file, and macro definitions (which may set
 * them). A file mentioning none of them (`dist/** -diff linguist-generated=true`) changes nothing.
 */
const CONTENT_ATTRIBUTES = /\b(?:text|eol|crlf|filter|ident|working-tree-encoding)\b|\[attr\]/;
/** Characters git strips from the ends of a name or address, or refuses inside them. */
const IDENTITY_CRUD = /^[\s.,:;<>"'\\]|[\s.,:;<>"'\\]$|[<>\n\0]/;

const isFalse = (value: string | undefined) =>
  value !== undefined && /^(?:false|no|off|0)$/i.test(value.trim());
const isTrue = (value: string | undefined) =>
  value !== undefined && (value === '' || /^(?:true|yes|on|1)$/i.test(value.trim()));

/** Why the repository's settings need git's own commit; undefined when they do not. */
export function settingsNeedingGit(config: ReadonlyMap<string, string>): string | undefined {
  const format = config.get('extensions.objectformat');
  if (format !== undefined && format.toLowerCase() !== 'sha1') return `object format ${format}`;
  if (config.has('extensions.compatobjectformat')) return 'a compatibility object format';
  if (config.has('core.autocrlf') && !isFalse(config.get('core.autocrlf'))) return 'core.autocrlf';
  if (isTrue(config.get('commit.gpgsign'))) return 'commit.gpgSign';
  const encoding = config.get('i18n.commitencoding');
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) return 'i18n.commitEncoding';
  if (config.has('core.sharedrepository') && !isFalse(config.get('core.sharedrepository')))
    return 'core.sharedRepository';
  if (isFalse(config.get('core.filemode'))) return 'core.fileMode';
  if (config.has('core.fsync') || config.has('core.fsyncobjectfiles')) return 'core.fsync';
  if (isTrue(config.get('core.precomposeunicode'))) return 'core.precomposeUnicode';
  if (config.has('core.worktree')) return 'core.worktree';
  return undefined;
}

/** `git config -z --list`: the last value of each key (keys as git prints them). */
export function parseConfigList(output: string): Map<string, string> {
  const config = new Map<string, string>();
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const newline = record.indexOf('\n');
    const key = (newline < 0 ? record : record.slice(0, newline)).toLowerCase();
    config.set(key, newline < 0 ? '' : record.slice(newline + 1));
  }
  return config;
}

/** The folders holding `path` ('' for the root first), e.g. '', 'agents', 'agents/orion'. */
function foldersOf(path: string): string[] {
  const parts = path.split('/');
  const folders = [''];
  for (let i = 1; i < parts.length; i++) folders.push(parts.slice(0, i).join('/'));
  return folders;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const parentOf = (folder: string) => (folder.includes('/') ? dirname(folder) : '');

/** A path git would accept as a file name in a tree, spelled as git spells it. */
function isPlainPath(path: string): boolean {
  if (path === '' || path.includes('\\') || path.includes('\n') || path.includes('\0'))
    return false;
  return path
    .split('/')
    .every((part) => part !== '' && part !== '.' && part !== '..' && part.toLowerCase() !== '.git');
}

export class InProcessCommits {
  /** Why this repository's commits are git's (or undefined); asked at most once a minute. */
  private blocker: Promise<string | undefined> | undefined;
  private blockerAt = 0;
  private globalAttributes: string | undefined;
  /** The repository's settings, as `git config --list` gave them with the blocker. */
  private config: ReadonlyMap<string, string> = new Map();
  private known: KnownTrees | undefined;
  private objectsFolder: Promise<LooseObjects> | undefined;

  constructor(private readonly git: CommitGit) {}

  /**
   * The commit of the working tree's `paths` on `parents` (HEAD first, when there is one), written
   * as loose objects; undefined when git must build it.
   */
  async build(
    paths: readonly string[],
    message: string,
    head: string | undefined,
    parents: readonly string[],
  ): Promise<BuiltCommit | undefined> {
    if ((await this.settingsBlocker()) !== undefined || !paths.every(isPlainPath)) return undefined;
    const folders = new Set(['', ...paths.flatMap(foldersOf)]);
    if (this.attributesMayChangeContent(folders, paths)) return undefined;
    const committed = new Map<string, Buffer | null>();
    const files = new Map<string, CommittedFile | null>();
    for (const path of paths) {
      const file = this.fileIfPlain(path);
      if (file === undefined) return undefined;
      committed.set(path, file?.bytes ?? null);
      files.set(path, file);
    }
    const changes = [...files].map(([path, file]) => ({ path, file }));
    const built = await this.commitOf({ base: head, parents, message, remember: true }, changes);
    return built && { ...built, committed, files };
  }

  /**
   * The commit on `parent` of `files` (plain files with these contents) and `removals`, as
   * `git hash-object --stdin` and `update-index --cacheinfo 100644` give them (no attribute or
   * line-ending conversion: contents are stored as they are); undefined when git must build it.
   * HEAD's known trees stay known: this commit is for another branch.
   */
  async buildFromContents(input: {
    parent: string;
    files: readonly { path: string; content: string }[];
    removals: readonly string[];
    message: string;
  }): Promise<string | undefined> {
    const changes = [
      ...input.files.map(({ path, content }) => ({
        path,
        file: { mode: '100644', bytes: Buffer.from(content, 'utf8') },
      })),
      ...input.removals.map((path) => ({ path, file: null })),
    ];
    if (!changes.every(({ path }) => isPlainPath(path))) return undefined;
    const built = await this.commitOf(
      { base: input.parent, parents: [input.parent], message: input.message, remember: false },
      changes,
    );
    return built?.commit;
  }

  /**
   * The commit on `base`'s tree of `changes` (a file's mode and bytes, or null to remove it), with
   * `parents`; `remember` keeps the new commit's trees for the next commit on it.
   */
  private async commitOf(
    commit: {
      base: string | undefined;
      parents: readonly string[];
      message: string;
      remember: boolean;
    },
    changes: readonly { path: string; file: { mode: string; bytes: Buffer } | null }[],
  ): Promise<{ commit: string | undefined; tree: string } | undefined> {
    if ((await this.settingsBlocker()) !== undefined) return undefined;
    // One time for both, as git takes it once per command.
    const at = Date.now();
    const author = this.signature('AUTHOR', at);
    const committer = this.signature('COMMITTER', at);
    if (!author || !committer) return undefined;
    // The root always: a merge of no paths keeps the base's tree.
    const folders = new Set(['', ...changes.flatMap(({ path }) => foldersOf(path))]);
    try {
      const trees = await this.treesOf(commit.base, folders);
      const objects = await this.objects();
      const edit = new FolderEdit(trees);
      for (const { path, file } of changes) edit.setFile(path, file, objects);
      const root = edit.writeTrees(objects);
      // Every folder known of the base that this commit did not change is the new commit's too.
      const known = edit.result(this.knownAt(commit.base));
      if (root === undefined && commit.base !== undefined && commit.parents.length < 2) {
        if (commit.remember) this.known = { commit: commit.base, folders: known };
        return { commit: undefined, tree: '' };
      }
      // A merge that keeps the base's tree, or a first commit of nothing: the root as it is.
      const tree = root ?? objects.write('tree', encodeTree(known.get('')?.values() ?? []));
      const id = objects.write(
        'commit',
        encodeCommit({ tree, parents: commit.parents, author, committer, message: commit.message }),
      );
      if (commit.remember) this.known = { commit: id, folders: known };
      return { commit: id, tree };
    } catch (error) {
      if (error instanceof LeaveToGit) return undefined;
      throw error;
    }
  }

  /**
   * Moves HEAD's branch from `head` to `commit` (a commit `build` made) in the ref files, with
   * reflog lines as `git update-ref -m <message>` writes them; false when git must move it (a ref
   * store other than files, a reference-transaction hook to run, a detached HEAD, a held lock or a
   * branch that moved: git then says what is wrong).
   */
  async moveHead(head: string, commit: string, message: string): Promise<boolean> {
    if ((await this.settingsBlocker()) !== undefined) return false;
    const storage = this.config.get('extensions.refstorage');
    if (storage !== undefined && storage.toLowerCase() !== 'files') return false;
    const branch = await readHeadFile(gitDirFiles((name) => this.git.gitPath(name)));
    if (branch?.kind !== 'branch') return false;
    const committer = this.signature('COMMITTER', Date.now());
    if (!committer) return false;
    // Every file the move touches, located by one question to git (once per process).
    const [gitHooks = ''] = await this.git.gitPathsOf([
      'hooks',
      branch.ref,
      `logs/${branch.ref}`,
      'logs/HEAD',
      'packed-refs',
    ]);
    if (this.hookExists(gitHooks, 'reference-transaction')) return false;
    // Unset, git logs a non-bare repository's branch and HEAD moves; false, only logs that exist.
    const logAll = this.config.get('core.logallrefupdates');
    return moveBranchInFiles(
      {
        ref: branch.ref,
        expected: head,
        commit,
        message,
        who: signatureText(committer),
        createLogs: logAll === undefined || isTrue(logAll) || logAll.toLowerCase() === 'always',
      },
      (name) => this.git.gitPath(name),
    );
  }

  /**
   * Stages a commit `build` made in the person's index file in-process (index-write.ts); false
   * when git must: the repository's settings leave commits to git, a case-insensitive file system
   * (entries that differ in case only), or a post-index-change hook to run.
   */
  async stageInIndex(
    indexFile: string,
    files: ReadonlyMap<string, CommittedFile | null>,
  ): Promise<boolean> {
    if ((await this.settingsBlocker()) !== undefined) return false;
    if (isTrue(this.config.get('core.ignorecase'))) return false;
    const [gitHooks = ''] = await this.git.gitPathsOf(['hooks']);
    if (this.hookExists(gitHooks, 'post-index-change')) return false;
    return stageInIndexFile(indexFile, this.git.workdir, files);
  }

  /** Whether hook `name` is in the hooks folder git would run it from (`gitHooks`: the default). */
  private hookExists(gitHooks: string, name: string): boolean {
    const hooks = this.config.get('core.hookspath')?.replace(/^~(?=\/|$)/, homedir());
    const folder = !hooks ? gitHooks : isAbsolute(hooks) ? hooks : join(this.git.workdir, hooks);
    return existsSync(join(folder, name));
  }

  /** Forgets what this process knows of the repository (after `git init`). */
  forget(): void {
    this.blocker = undefined;
    this.known = undefined;
    this.objectsFolder = undefined;
  }

  private settingsBlocker(): Promise<string | undefined> {
    // Read again now and then: a long-running process (the daemon) sees a setting changed since.
    if (Date.now() - this.blockerAt > SETTINGS_FRESH_MS) this.blocker = undefined;
    this.blocker ??= (async () => {
      this.blockerAt = Date.now();
      // Dates git would parse, and a working tree elsewhere than the folder git runs in.
      for (const name of ['GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'GIT_WORK_TREE'])
        if (this.git.environment(name) !== undefined) return name;
      const listed = await this.git.exec(['config', '-z', '--list'], { allowFailure: true });
      if (listed.exitCode !== 0) return 'unreadable settings';
      const config = parseConfigList(listed.stdout);
      this.config = config;
      const configured = config.get('core.attributesfile');
      const xdg = this.git.environment('XDG_CONFIG_HOME') ?? join(homedir(), '.config');
      const globalFile = configured
        ? configured.replace(/^~(?=\/|$)/, homedir())
        : join(xdg, 'git', 'attributes');
      this.globalAttributes = [
        readTextIfReadable(globalFile),
        readTextIfReadable('/etc/gitattributes'),
        readTextIfReadable('/usr/local/etc/gitattributes'),
        readTextIfReadable(await this.git.gitPath('info/attributes')),
      ].join('\n');
      return settingsNeedingGit(config);
    })();
    return this.blocker;
  }

  /**
   * True when an attributes file that applies to `paths` sets an attribute that changes what git
   * stores (read on every commit: a person may add one at any time).
   */
  private attributesMayChangeContent(folders: ReadonlySet<string>, paths: readonly string[]) {
    if (paths.some((path) => baseName(path) === '.gitattributes')) return true;
    if (CONTENT_ATTRIBUTES.test(this.globalAttributes ?? '')) return true;
    for (const folder of folders) {
      const text = readTextIfReadable(join(this.git.workdir, folder, '.gitattributes'));
      if (text !== undefined && CONTENT_ATTRIBUTES.test(text)) return true;
    }
    return false;
  }

  /** Who commits, from the environment git would read; undefined when git would rewrite it. */
  private signature(role: 'AUTHOR' | 'COMMITTER', at: number): Signature | undefined {
    const name = this.git.environment(`GIT_${role}_NAME`);
    const email = this.git.environment(`GIT_${role}_EMAIL`);
    if (!name || !email || IDENTITY_CRUD.test(name) || IDENTITY_CRUD.test(email)) return undefined;
    return { name, email, at, offsetMinutes: -new Date(at).getTimezoneOffset() };
  }

  /** The folders this process knows of `commit`, if it knows that commit. */
  private knownAt(commit: string | undefined): ReadonlyMap<string, Folder> | undefined {
    return commit !== undefined && this.known?.commit === commit ? this.known.folders : undefined;
  }

  /** `base`'s folders on the paths to `folders` (none: a first commit): the ones known, the rest read from git. */
  private async treesOf(
    base: string | undefined,
    folders: ReadonlySet<string>,
  ): Promise<Map<string, Folder>> {
    const known = this.knownAt(base);
    const trees = new Map<string, Folder>();
    const missing: string[] = [];
    // Parents first: a folder its known parent lacks is new, with nothing to read.
    for (const folder of [...folders].sort((a, b) => depth(a) - depth(b))) {
      const have = known?.get(folder);
      const inParent = folder === '' ? undefined : trees.get(parentOf(folder));
      if (have) trees.set(folder, have);
      else if (base === undefined) trees.set(folder, TreeFolder.empty());
      else if (inParent && !inParent.has(baseName(folder))) trees.set(folder, TreeFolder.empty());
      else missing.push(folder);
    }
    if (missing.length > 0 && base !== undefined) {
      const read = await this.readFolders(base, missing);
      for (const [folder, entries] of read) trees.set(folder, entries);
    }
    return trees;
  }

  /** `folders` of `commit`, by one `git cat-file --batch`; a folder the commit lacks is empty. */
  private async readFolders(commit: string, folders: readonly string[]) {
    const specs = folders.map((folder) =>
      folder === '' ? `${commit}^{tree}` : `${commit}:${folder}`,
    );
    const out = await this.git.execBytes(['cat-file', '--batch'], `${specs.join('\n')}\n`);
    const read = new Map<string, Folder>();
    let at = 0;
    for (const folder of folders) {
      const newline = out.indexOf(0x0a, at);
      if (newline < 0) throw new LeaveToGit();
      const header = out.toString('utf8', at, newline);
      at = newline + 1;
      if (header.endsWith(' missing')) {
        read.set(folder, TreeFolder.empty());
        continue;
      }
      const [, type, size] = header.split(' ');
      // A blob where a folder should be: git decides what replacing it means.
      if (type !== 'tree') throw new LeaveToGit();
      const length = Number(size);
      let entries: TreeEntry[];
      const body = out.subarray(at, at + length);
      try {
        entries = parseTree(body);
      } catch {
        throw new LeaveToGit();
      }
      const folderEntries = TreeFolder.of(entries);
      const places = placesOfTree(body, entries);
      if (places !== undefined) encodedFolders.set(folderEntries, places);
      read.set(folder, folderEntries);
      at += length + 1;
    }
    return read;
  }

  private objects(): Promise<LooseObjects> {
    this.objectsFolder ??= this.git.gitPath('objects').then((folder) => new LooseObjects(folder));
    return this.objectsFolder;
  }

  /**
   * The file's bytes and mode; null when it is gone, undefined when it is not a plain file (a
   * folder, a symbolic link: git's to commit).
   */
  private fileIfPlain(path: string): { bytes: Buffer; mode: string } | null | undefined {
    const file = join(this.git.workdir, path);
    let stat;
    try {
      stat = lstatSync(file);
    } catch {
      return null;
    }
    if (!stat.isFile()) return undefined;
    const bytes = readFileSync(file);
    return { bytes, mode: stat.mode & 0o100 ? '100755' : '100644' };
  }
}

const depth = (folder: string) => (folder === '' ? 0 : folder.split('/').length);

/** HEAD's folders with a commit's files set: copies of the folders it changes, written bottom-up. */
class FolderEdit {
  private readonly changed = new Map<string, Folder>();
  /** The names set or removed in each changed folder. */
  private readonly touched = new Map<string, Set<string>>();

  constructor(private readonly trees: ReadonlyMap<string, Folder>) {}

  /**
   * Sets a file's entry (null: removes it). Its blob is written only when it is new: most files an
   * iteration writes hold what HEAD has (an index page, a record shard that did not change).
   */
  setFile(path: string, file: { mode: string; bytes: Buffer } | null, objects: LooseObjects) {
    const folder = parentOf(path);
    const name = baseName(path);
    const current = this.trees.get(folder)?.get(name);
    // A folder where the file goes: git decides what replacing it means.
    if (current?.mode === TREE_MODE) throw new LeaveToGit();
    if (file === null) {
      if (current) this.editable(folder, name).delete(name);
      return;
    }
    const id = objectId('blob', file.bytes);
    if (current?.id === id && current.mode === file.mode) return;
    objects.write('blob', file.bytes, id);
    this.editable(folder, name).set(name, { mode: file.mode, name, id });
  }

  /**
   * Writes the changed folders' trees, deepest first so that each parent holds its children's new
   * ids; a folder left empty leaves its parent, as git stores no empty tree. Returns the new root
   * tree, or undefined when the root did not change.
   */
  writeTrees(objects: LooseObjects): string | undefined {
    const order = [...this.trees.keys()].sort((a, b) => depth(b) - depth(a));
    let root: string | undefined;
    for (const folder of order) {
      const entries = this.changed.get(folder);
      if (entries === undefined) continue;
      const empty = entries.size === 0 && folder !== '';
      const id = empty ? undefined : objects.write('tree', this.treeBody(folder, entries));
      if (folder === '') {
        root = id;
        continue;
      }
      const parent = parentOf(folder);
      const name = baseName(folder);
      const before = this.trees.get(parent)?.get(name);
      if (id === undefined) {
        if (before) this.editable(parent, name).delete(name);
      } else if (before?.id !== id || before.mode !== TREE_MODE) {
        this.editable(parent, name).set(name, { mode: TREE_MODE, name, id });
      }
    }
    return root;
  }

  /** Every folder as the commit has it, with `base`'s other folders (a folder left empty is gone). */
  result(base: ReadonlyMap<string, Folder> = new Map()): Map<string, Folder> {
    const folders = new Map([...base, ...this.trees]);
    for (const [folder, entries] of this.changed) {
      if (entries.size === 0 && folder !== '') folders.delete(folder);
      else folders.set(folder, entries);
    }
    return folders;
  }

  /** The folder's entries to change, copied on first use: `name` is the entry about to change. */
  private editable(folder: string, name: string): Folder {
    let entries = this.changed.get(folder);
    let touched = this.touched.get(folder);
    if (!entries || !touched) {
      entries = this.trees.get(folder)?.copy() ?? TreeFolder.empty();
      touched = new Set();
      this.changed.set(folder, entries);
      this.touched.set(folder, touched);
    }
    touched.add(name);
    return entries;
  }

  /** The changed folder's tree body: an edit of its base's when this process knows that. */
  private treeBody(folder: string, entries: Folder): Buffer {
    const base = this.trees.get(folder);
    const before = base && encodedFolders.get(base);
    const touched = [...(this.touched.get(folder) ?? [])];
    const pick = (from: Folder) => touched.flatMap((name) => from.get(name) ?? []);
    const tree =
      (base && before && editEncodedTree(before, pick(base), pick(entries))) ??
      encodeTreeWithPlaces(entries.values());
    if (tree === undefined) return encodeTree(entries.values());
    encodedFolders.set(entries, tree);
    return tree.body;
  }
}
