// The shape of every commit message the runtime writes: a subject a reviewer reads in `git log`, a
// body in words, and trailers tools parse (`git interpret-trailers`).

export interface CommitMessage {
  subject: string;
  body?: string[];
  trailers: readonly (readonly [key: string, value: string])[];
}

export function formatCommitMessage(message: CommitMessage): string {
  const body = message.body ?? [];
  const lines = [message.subject.replace(/\s+/g, ' ').trim()];
  if (body.length > 0) lines.push('', ...body);
  lines.push('', ...message.trailers.map(([key, value]) => `${key}: ${value}`));
  return `${lines.join('\n')}\n`;
}
