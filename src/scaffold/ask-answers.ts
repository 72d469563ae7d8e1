// Asking a person on a terminal for the questionnaire's missing answers, with @inquirer/prompts
// (loaded only when a terminal is there, so scripts and the action never load it).
import { PassThrough } from 'node:stream';
import type { QuestionField, RawAnswers } from './questionnaire.js';

interface TerminalStreams {
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
}

export async function askMissing(
  fields: readonly QuestionField[],
  io: TerminalStreams,
): Promise<RawAnswers> {
  const { input, select } = await import('@inquirer/prompts');
  // Each prompt ends the stream it writes to when it closes: it gets one of its own per prompt, and
  // the command's stdout stays open for what comes after.
  const context = () => {
    const output = new PassThrough();
    Object.assign(output, { isTTY: true, columns: (io.stdout as { columns?: number }).columns });
    output.pipe(io.stdout, { end: false });
    return { ...(io.stdin ? { input: io.stdin } : {}), output };
  };
  const answers: RawAnswers = {};
  for (const field of fields) {
    if (field.choices) {
      answers[field.key] = await select(
        {
          message: field.question,
          choices: field.choices.map((value) => ({ value, name: value })),
        },
        context(),
      );
    } else if (field.kind === 'text') {
      answers[field.key] = await input({ message: field.question, required: true }, context());
    } else {
      // A list: one item per answer, an empty answer ends it.
      const items: string[] = [];
      for (;;) {
        const item = await input(
          {
            message: `${field.question}${items.length > 0 ? ` [${items.length} so far]` : ''}`,
            required: items.length === 0,
          },
          context(),
        );
        if (item.trim() === '') break;
        items.push(item.trim());
      }
      answers[field.key] = items;
    }
  }
  return answers;
}
