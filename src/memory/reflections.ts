// reflections.md: dated reflections written by learning runs, newest last.
export function reflectionsHeader(agent: string): string {
  return `# Reflections — ${agent}\n\nDated reflections written by AgentOS learning runs.\n`;
}

/** The file's text with one dated entry appended. */
export function appendReflectionText(
  existing: string | undefined,
  agent: string,
  date: string,
  text: string,
): string {
  const base = existing ?? reflectionsHeader(agent);
  return `${base.trimEnd()}\n\n## ${date}\n\n${text.trim()}\n`;
}
