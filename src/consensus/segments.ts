// Shared segments: claims that reached quorum (SPEC §8), one Markdown file per topic under
// shared/iac/segments/. Every agent reads them; only a merged proposal writes them.
import { join } from 'node:path';
import { z } from 'zod';
import { listMarkdown, readTextIfExists } from '../memory/files.js';
import { SEGMENTS_DIR } from '../memory/layout.js';
import { parseMarkdown } from '../memory/markdown.js';
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

export function loadSegments(repoRoot: string): Segment[] {
  return listMarkdown(repoRoot, SEGMENTS_DIR)
    .filter((name) => name !== 'README.md')
    .map((name) => {
      const topic = name.slice(0, -'.md'.length);
      const path = `${SEGMENTS_DIR}/${name}`;
      const { data, body } = parseMarkdown(
        path,
        readTextIfExists(join(repoRoot, path)) ?? '',
        SegmentSchema,
      );
      return { topic, path, title: data.title ?? topic, tags: data.tags, body };
    });
}
