// The human-owned files of an agent: persona.md, constraints.md and goals.md. The runtime reads
// them into every context and never rewrites them (the path guard refuses it).
import { z } from 'zod';
import { agentPaths } from './layout.js';
import { parseMarkdown } from './markdown.js';
import { directReads, type ParseCache } from './parse-cache.js';

const LooseFrontmatter = z.looseObject({});

export interface HumanDocument {
  path: string;
  /** The Markdown body, without frontmatter. */
  text: string;
}

export interface Constraints extends HumanDocument {
  rules: string[];
  toolsAllowed: string[];
  toolsForbidden: string[];
  reviewPoints: string[];
  dataSourcesAllowed: string[];
  dataSourcesForbidden: string[];
  /** What must never reach the model, an answer or a record (src/policy/privacy.ts). */
  privacy: string[];
}

export interface Goal {
  text: string;
  done: boolean;
}

export interface HumanFiles {
  persona: HumanDocument;
  constraints: Constraints;
  goals: Goal[];
}

function readHuman(cache: ParseCache, path: string): HumanDocument {
  const text =
    cache.parse(path, 'human@1', (text) =>
      parseMarkdown(path, text, LooseFrontmatter).body.trim(),
    ) ?? '';
  return { path, text };
}

/** Bullet items of each `## Heading` section, keyed by the lowercased heading. */
export function bulletsBySection(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^#{2,3}\s+(.+?)\s*$/.exec(line);
    if (heading) {
      current = [];
      sections.set((heading[1] ?? '').toLowerCase(), current);
      continue;
    }
    const bullet = /^\s*[-*]\s+(?:\[[ xX]\]\s+)?(.+?)\s*$/.exec(line);
    if (bullet && current) current.push(bullet[1] ?? '');
  }
  return sections;
}

function section(sections: Map<string, string[]>, ...names: string[]): string[] {
  return names.flatMap((name) => sections.get(name) ?? []);
}

export function loadHumanFiles(
  repoRoot: string,
  agent: string,
  cache: ParseCache = directReads(repoRoot),
): HumanFiles {
  const paths = agentPaths(agent);
  const persona = readHuman(cache, paths.persona);
  const constraints = constraintsOf(readHuman(cache, paths.constraints));
  const goalsDoc = readHuman(cache, paths.goals);
  const goals = goalsDoc.text
    .split('\n')
    .map((line) => /^\s*[-*]\s+(?:\[([ xX])\]\s+)?(.+?)\s*$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ text: match[2] ?? '', done: (match[1] ?? ' ').toLowerCase() === 'x' }));
  return {
    persona,
    constraints,
    goals,
  };
}

/** constraints.md's sections read from its text: an empty text gives no rules of any kind. */
export function constraintsOf(doc: HumanDocument): Constraints {
  const sections = bulletsBySection(doc.text);
  return {
    ...doc,
    rules: section(sections, 'rules'),
    toolsAllowed: section(sections, 'tools allowed', 'allowed tools'),
    toolsForbidden: section(sections, 'tools forbidden', 'forbidden tools'),
    reviewPoints: section(sections, 'review points', 'human review points'),
    dataSourcesAllowed: section(sections, 'data sources allowed', 'data sources'),
    dataSourcesForbidden: section(sections, 'data sources forbidden', 'forbidden data sources'),
    privacy: section(sections, 'privacy', 'privacy requirements'),
  };
}
