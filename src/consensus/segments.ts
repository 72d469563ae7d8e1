// Shared segments: claims that reached quorum (SPEC §8), Markdown files per topic under
// shared/iac/segments/ (<topic>.md, then <topic>.2.md… once a part is full: segment-update.ts).
// Every agent reads them, each part as its own item; only a merged proposal writes them.
import { z } from 'zod';
import { listMarkdown } from '../memory/files.js';
import { SEGMENTS_DIR } from '../memory/layout.js';
import { parseMarkdown } from '../memory/markdown.js';
import { directReads, type ParseCache } from '../memory/parse-cache.js';
import { tagList } from '../memory/schema-parts.js';
import { segmentPartOf } from './segment-update.js';

export const SegmentSchema = z.looseObject({
  title: z.string().min(1).optional(),
  tags: tagList,
});

export interface Segment {
  /** The topic the file belongs to (a part's topic is its first part's). */
  topic: string;
  path: string;
  title: string;
  tags: string[];
  body: string;
}

export function loadSegments(
  repoRoot: string,
  cache: ParseCache = directReads(repoRoot),
): Segment[] {
  return listMarkdown(repoRoot, SEGMENTS_DIR)
    .filter((name) => name !== 'README.md')
    .map((name) => {
      const { topic, part } = segmentPartOf(name) ?? { topic: name.slice(0, -3), part: 1 };
      // A topic's parts follow its first part, in the first parts' name order.
      return { name, topic, part, first: `${topic}.md` };
    })
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.part - b.part))
    .flatMap(({ name, topic }) => {
      const path = `${SEGMENTS_DIR}/${name}`;
      const segment = cache.parse(path, 'segment@1', (text): Segment => {
        const { data, body } = parseMarkdown(path, text, SegmentSchema);
        return { topic, path, title: data.title ?? topic, tags: data.tags, body };
      });
      return segment ? [segment] : [];
    });
}
