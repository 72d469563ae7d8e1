// A changed-path feed for a process that reads an agent's memory again and again (the daemon, `run
// --all`): the kernel tells which files changed (inotify, through fs.watch on every folder), so a
// read after the first one need not ask git to stat 10,000 files nor list every folder. Like git's
// fsmonitor, it is only trusted up to a barrier: a cookie file is written and its event awaited, so
// every change made before the read began has been heard. Whatever the feed cannot vouch for (a
// watch that failed, a folder replaced, a symbolic link, a read every FULL_CHECK_EVERY) sends the
// read back to the full check: git's stat data and a listing of every folder.
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statfsSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from 'node:fs';
import { basename, join } from 'node:path';
import { removeLeftoversOfGoneProcesses } from '../process.js';
import type { Feed } from './memory-index.js';
import { CONTROL_CHARACTER, type AgentTree } from './tree-check.js';

/** Where the barrier's cookie files come and go, inside the git directory. */
export const WATCH_COOKIES_DIR = 'agentos/watch-cookies';
/** A full check every this many reads, whatever the feed says: events lost are lost for that long. */
export const FULL_CHECK_EVERY = 100;
/** A barrier whose cookie is not heard within this long means the feed is not working. */
const BARRIER_TIMEOUT_MS = 2_000;

/** What a read may take on the feed's word, as of the barrier. */
export interface WatchedRead {
  /** Blob ids of the files whose content is known: unchanged since git vouched for it or it was hashed. */
  vouched: Map<string, string>;
  /** Files with events since the last read: their own bytes say what they hold. */
  changed: Set<string>;
  /** The agent's Markdown files by folder, as `checkAgentTree` lists them. */
  tree: AgentTree;
  /** This watch and which of its reads this is (reads since its last restart count on). */
  feed: Feed;
}

/** One watched folder: its entries as last seen, and its inode (a folder replaced is another). */
interface Folder {
  watcher: FSWatcher;
  inode: number;
  files: Set<string>;
  folders: Set<string>;
  /** The Markdown files, sorted, until the folder's files change. */
  markdown?: string[] | undefined;
}

/** How many callers of `watchMemoryChanges` have not released it yet. */
let holders = 0;
/** The watch of each repository's roots; null where the file system cannot feed one. */
const watches = new Map<string, MemoryWatch | null>();

/**
 * Work that reads memory again and again (the daemon, `run --all`, the longevity bench's
 * iterations) calls this first: until it calls the release it gets back, memory reads of this
 * process are fed by a watch. A process that reads once gains nothing from one: off by default.
 */
export function watchMemoryChanges(): () => void {
  holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders > 0) return;
    for (const watch of watches.values()) watch?.close();
    watches.clear();
  };
}

/** The watch of these roots of the repository, when this process watches memory. */
export function memoryWatch(
  repoRoot: string,
  roots: readonly string[],
  cookies: () => Promise<string>,
): MemoryWatch | undefined {
  if (holders === 0) return undefined;
  const key = `${repoRoot}\0${roots.join('\0')}`;
  let found = watches.get(key);
  if (found === undefined) {
    found = hearsEveryChange(repoRoot) ? new MemoryWatch(repoRoot, roots, cookies) : null;
    watches.set(key, found);
  }
  return found ?? undefined;
}

export class MemoryWatch {
  private folders = new Map<string, Folder>();
  /** Watches of the folders above each root, which only tell whether the root was replaced. */
  private above: FSWatcher[] = [];
  /** Paths with events since the last barrier. */
  private pending = new Set<string>();
  /** Entries created, removed or renamed since the last barrier: the listings to bring up to date. */
  private moved = new Set<string>();
  private vouched: Map<string, string> | undefined;
  /** Set when an event says the feed can no longer be followed: the next read checks everything. */
  private lost = false;
  private readsSinceFull = 0;
  /** Reads served on the feed's word; a read after a full check is not one of them. */
  private reads = 0;
  private cookieFolder: string | undefined;
  private cookies = 0;
  private awaited = new Map<string, () => void>();
  private cookieWatcher: FSWatcher | undefined;

  constructor(
    private readonly repoRoot: string,
    private readonly roots: readonly string[],
    private readonly cookieFolderOf: () => Promise<string>,
  ) {}

  /**
   * What changed since the last read, once every change made before this call has been heard; or
   * undefined when the feed cannot say, and the caller must check everything (and call `restart`).
   */
  async settle(): Promise<WatchedRead | undefined> {
    if (this.vouched === undefined || this.lost) return undefined;
    if (++this.readsSinceFull >= FULL_CHECK_EVERY) return undefined;
    if (!(await this.barrier())) return undefined;
    // After the barrier: what the events named is looked at now, so a change that lands meanwhile
    // is heard by the next barrier, never lost between the two.
    for (const path of this.moved) if (!this.follow(path)) return undefined;
    this.moved.clear();
    const changed = this.pending;
    this.pending = new Set();
    for (const path of changed) this.vouched.delete(path);
    return {
      vouched: this.vouched,
      changed,
      tree: this.tree(),
      feed: { source: this, read: ++this.reads },
    };
  }

  /**
   * Starts watching afresh, before the full check a caller makes next: every change from here on is
   * heard, so what that check finds and what the feed says later add up to everything. False when
   * folders cannot be watched (the read goes on with full checks only).
   */
  restart(): boolean {
    this.close();
    this.lost = false;
    this.readsSinceFull = 0;
    // A read after this one follows a full check, not the feed's previous read.
    this.reads++;
    try {
      for (const root of this.roots) {
        this.watchAbove(root);
        if (isFolder(join(this.repoRoot, root))) this.watchTree(root);
      }
      return true;
    } catch {
      // Out of inotify watches (ENOSPC) or descriptors, a folder gone meanwhile: no feed.
      this.close();
      return false;
    }
  }

  /**
   * The feed's starting point, after `restart` and a full check: the blob id of every file that
   * check knew (the map is the watch's from now on). A file that changed meanwhile has an event
   * pending, so it is read again next time whatever is said here.
   */
  begin(known: Map<string, string>): void {
    this.vouched = known;
  }

  /** After a read on the feed's word: the files it hashed, by blob id (as `begin` says). */
  vouch(hashed: ReadonlyMap<string, string>): void {
    for (const [path, blob] of hashed) this.vouched?.set(path, blob);
  }

  close(): void {
    for (const folder of this.folders.values()) folder.watcher.close();
    for (const watcher of this.above) watcher.close();
    this.cookieWatcher?.close();
    this.cookieWatcher = undefined;
    this.folders.clear();
    this.above = [];
    this.pending.clear();
    this.moved.clear();
    this.vouched = undefined;
  }

  /** Watches `folder` and every folder below it (watched before listed: nothing falls between). */
  private watchTree(folder: string): void {
    const absolute = join(this.repoRoot, folder);
    const watcher = watch(absolute, { persistent: false }, (event, name) =>
      this.heard(folder, event, name),
    );
    watcher.on('error', () => (this.lost = true));
    const entry: Folder = {
      watcher,
      inode: lstatSync(absolute).ino,
      files: new Set(),
      folders: new Set(),
    };
    this.folders.set(folder, entry);
    for (const dirent of readdirSync(absolute, { withFileTypes: true })) {
      const path = `${folder}/${dirent.name}`;
      if (dirent.isDirectory()) {
        entry.folders.add(dirent.name);
        this.watchTree(path);
      } else if (dirent.isFile()) entry.files.add(dirent.name);
      // Anything else (a symbolic link) is the full check's to report: the feed stops here.
      else this.lost = true;
    }
  }

  /** The folders above `root`, for one event only: the next folder down replaced or gone. */
  private watchAbove(root: string): void {
    const parts = root.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      const next = parts[depth] as string;
      // A folder not there yet: its creation is heard from the one above.
      if (!isFolder(join(this.repoRoot, folder))) return;
      const watcher = watch(join(this.repoRoot, folder), { persistent: false }, (_event, name) => {
        if (name === null || name === next) this.lost = true;
      });
      watcher.on('error', () => (this.lost = true));
      this.above.push(watcher);
    }
  }

  private heard(folder: string, event: string, name: string | null): void {
    if (name === null) {
      this.lost = true;
      return;
    }
    const path = `${folder}/${name}`;
    this.pending.add(path);
    if (event === 'rename') this.moved.add(path);
    // The folder itself removed or moved is told under its own name, as an entry would be.
    if (name === basename(folder)) this.moved.add(folder);
  }

  /** Brings the listings up to date with `path` as it is now; false when the feed cannot follow. */
  private follow(path: string): boolean {
    const folder = this.folders.get(path);
    let stat;
    try {
      stat = lstatSync(join(this.repoRoot, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
    if (folder !== undefined && (stat === undefined || stat.ino !== folder.inode)) return false;
    const at = path.lastIndexOf('/');
    const parent = this.folders.get(path.slice(0, at));
    // A folder's own event (it was replaced: handled above), or one outside the watched folders.
    if (parent === undefined || folder !== undefined) return true;
    const name = path.slice(at + 1);
    // A name the tree check refuses: the full check says so, naming it.
    if (CONTROL_CHARACTER.test(name)) return false;
    if (stat === undefined) {
      if (parent.files.delete(name)) parent.markdown = undefined;
      // A watched folder removed: a read of what it held cannot be vouched for any more.
      return !parent.folders.has(name);
    }
    if (stat.isFile()) {
      if (!parent.files.has(name)) {
        parent.files.add(name);
        parent.markdown = undefined;
      }
      return true;
    }
    if (!stat.isDirectory()) return false;
    if (!parent.folders.has(name)) {
      parent.folders.add(name);
      try {
        this.watchTree(path);
      } catch {
        return false;
      }
      // Whatever the new folder holds was written before its watch: every file there is changed.
      for (const [below, entry] of this.folders)
        if (below === path || below.startsWith(`${path}/`))
          for (const file of entry.files) this.pending.add(`${below}/${file}`);
      this.moved.delete(path);
      return !this.lost;
    }
    return true;
  }

  /** The listings as `checkAgentTree` gives them. */
  private tree(): AgentTree {
    return {
      markdown: (path) => {
        const folder = this.folders.get(path);
        if (folder === undefined) return undefined;
        folder.markdown ??= [...folder.files].filter((name) => name.endsWith('.md')).sort();
        return folder.markdown;
      },
    };
  }

  /**
   * Writes a cookie file beside the git directory's other files and waits for its event: events
   * come in the order the changes were made, so every change before the cookie has been heard.
   */
  private async barrier(): Promise<boolean> {
    try {
      if (this.cookieWatcher === undefined) {
        this.cookieFolder = await this.cookieFolderOf();
        mkdirSync(this.cookieFolder, { recursive: true });
        // A process killed while it waited for its cookie left it behind.
        removeLeftoversOfGoneProcesses(
          this.cookieFolder,
          (name) => Number(name.split('-')[0]) || undefined,
        );
        this.cookieWatcher = watch(this.cookieFolder, { persistent: false }, (_event, name) => {
          if (name !== null) this.awaited.get(name)?.();
        });
        this.cookieWatcher.on('error', () => (this.lost = true));
      }
      const name = `${process.pid}-${++this.cookies}`;
      const file = join(this.cookieFolder as string, name);
      let timer: NodeJS.Timeout | undefined;
      const heard = await new Promise<boolean>((resolve) => {
        this.awaited.set(name, () => resolve(true));
        // Keeps the process alive until the cookie is heard (the watches themselves do not).
        timer = setTimeout(() => resolve(false), BARRIER_TIMEOUT_MS);
        writeFileSync(file, '');
      });
      clearTimeout(timer);
      this.awaited.delete(name);
      rmSync(file, { force: true });
      return heard && !this.lost;
    } catch {
      return false;
    }
  }
}

/**
 * File systems whose every change reaches inotify, whoever made it: local ones. A network or FUSE
 * file system (NFS, SMB, sshfs, a desktop's container file sharing) reports only the changes made
 * through this kernel, so another machine's edits would go unheard: reads there keep asking git.
 */
const LOCAL_FILE_SYSTEMS = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
  0x794c7630, // overlayfs (a container's own files)
  0x2fc12fc1, // zfs
  0xf2f52010, // f2fs
]);

/**
 * Whether the feed can hear every change under `repoRoot`: on Linux (one inotify queue per process
 * orders every folder's events and the cookie's; other systems' watches give no such order), on a
 * local file system.
 */
export function hearsEveryChange(repoRoot: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return LOCAL_FILE_SYSTEMS.has(statfsSync(repoRoot).type);
  } catch {
    return false;
  }
}

function isFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
