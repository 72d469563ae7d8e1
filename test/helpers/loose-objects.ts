// A repository with loose objects that `git gc --auto` packs under a low gc.auto, for the tests
// of the runtime's housekeeping (src/git/housekeeping.ts).
import { objectId } from '../../src/git/objects.js';
import type { Git } from '../../src/git/git.js';
import type { TestRepo } from './repo.js';

/** How many loose objects the repository holds (`git count-objects`). */
export async function looseObjects(git: Git): Promise<number> {
  return Number(/^count: (\d+)$/m.exec((await git.exec(['count-objects', '-v'])).stdout)?.[1]);
}

/**
 * Sets gc.auto to 20 and commits notes until there are more loose objects than that, where
 * `gc --auto` sees them: it estimates the loose objects from the folder objects/17/ alone (more
 * than gc.auto / 256 there), so two of the notes are ones whose blobs land there. Another `batch`
 * makes other notes, for a second time in one repository.
 */
export async function overLooseObjectThreshold(repo: TestRepo, batch = 'a'): Promise<void> {
  await repo.git.exec(['config', 'gc.auto', '20']);
  for (let i = 0; i < 12; i++) {
    const path = `agents/orion/notes/${batch}-${i}.md`;
    repo.write(path, `# Note ${batch} ${i}\n`);
    await repo.git.commitPaths([path], `Note ${batch} ${i}`);
  }
  const in17 = Array.from({ length: 5_000 }, (_, i) => `# Note ${batch} ${i}\n`)
    .filter((text) => objectId('blob', Buffer.from(text)).startsWith('17'))
    .slice(0, 2);
  if (in17.length !== 2) throw new Error('no two notes whose blobs land in objects/17/');
  const paths = in17.map((_, i) => `agents/orion/notes/${batch}-in-17-${i}.md`);
  in17.forEach((text, i) => repo.write(paths[i] as string, text));
  await repo.git.commitPaths(paths, `Notes ${batch} in 17`);
}
