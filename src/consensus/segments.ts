// Shared segments: claims that reached quorum (SPEC §8), one Markdown file per topic under
// shared/iac/segments/. Every agent reads them; only a merged proposal writes them.
import { z } from 'zod';
import { listMarkdown } from '../memory/files.js';
import { SEGMENTS_DIR } from '../memory/layout.js';
import { parseMarkdown } from '../memory/markdown.js';
import { directReads, type ParseCache } from '../memory/parse-cache.js';
import { tagList } from '../memory/schema-parts.js';

export const SegmentSchema = z.looseObject({
  title: z.string().min(1).optional(),
  tags: tagList,
});

export interface Segment {
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
    .flatMap((name) => {
      const topic = name.slice(0, -'.md'.length);
      const path = `${SEGMENTS_DIR}/${name}`;
      const segment = cache.parse(path, 'segment@1', (text): Segment => {
        const { data, body } = parseMarkdown(path, text, SegmentSchema);
        return { topic, path, title: data.title ?? topic, tags: data.tags, body };
      });
      return segment ? [segment] : [];
    });
}
