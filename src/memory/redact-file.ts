// Redacting a memory file before it is written: the last net under every sink that writes memory.
// A marker (`[redacted: kind]`) holds ": " and "[", which end a plain YAML scalar, so YAML (a
// frontmatter, a .yaml file) is redacted value by value and re-rendered, and stays valid YAML; any
// other text (Markdown bodies, queue.md, the reward log's JSON lines) is redacted in place.
import { parseDocument, visit } from 'yaml';
import type { Redactor } from '../security/redact.js';

const FRONTMATTER = /^---\n([\s\S]*?\n)?---(?:\n|$)/;

/** `content` with every secret the redactor finds replaced; unchanged (the same string) when none. */
export function redactMemoryFile(path: string, content: string, redactor: Redactor): string {
  if (redactor.find(content).length === 0) return content;
  if (/\.ya?ml$/i.test(path)) return redactYaml(content, redactor);
  const frontmatter = /\.md$/i.test(path) ? FRONTMATTER.exec(content) : null;
  if (!frontmatter) return redactor.redact(content);
  const yaml = frontmatter[1] ?? '';
  const body = content.slice(frontmatter[0].length);
  const ending = frontmatter[0].endsWith('\n') ? '\n' : '';
  return `---\n${redactYaml(yaml, redactor)}---${ending}${redactor.redact(body)}`;
}

/** YAML with each string value redacted; text that is not valid YAML is redacted as text. */
function redactYaml(text: string, redactor: Redactor): string {
  if (redactor.find(text).length === 0) return text;
  const document = parseDocument(text, { uniqueKeys: false });
  if (document.errors.length > 0) return redactor.redact(text);
  // Keys are scalars too: a secret used as a key is redacted as well.
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') {
        const clean = redactor.redact(node.value);
        if (clean !== node.value) node.value = clean;
      }
    },
  });
  // A comment is text no scalar holds: redact it as text.
  visit(document, {
    Node(_key, node) {
      if (node.comment) node.comment = redactor.redact(node.comment);
      if (node.commentBefore) node.commentBefore = redactor.redact(node.commentBefore);
    },
  });
  if (document.comment) document.comment = redactor.redact(document.comment);
  if (document.commentBefore) document.commentBefore = redactor.redact(document.commentBefore);
  const rendered = document.toString({ lineWidth: 0 });
  return rendered;
}
