// The belief data of a world file read through the fast frontmatter reader (memory/fast-frontmatter.ts),
// checked against the same schema, for metrics that need a world file's data and not its body.
import { fastFrontmatter } from '../memory/fast-frontmatter.js';
import type { WorldKind } from '../memory/layout.js';
import {
  EntitySchema,
  HypothesisSchema,
  RelationSchema,
  type BeliefData,
} from '../world/beliefs.js';

const SCHEMAS = { entity: EntitySchema, relation: RelationSchema, hypothesis: HypothesisSchema };

/**
 * The belief data of a world file the runtime wrote, or undefined when the text is not in the
 * subset the fast reader is sure of or breaks the schema (parse it with parseBelief then: it says why).
 */
export function fastBeliefData(kind: WorldKind, text: string): BeliefData | undefined {
  const read = fastFrontmatter(text);
  if (!read) return undefined;
  const result = SCHEMAS[kind].safeParse(read.data);
  return result.success ? result.data : undefined;
}
