// Comment commands are parsed forgivingly in form and strictly in meaning.
import { parseCommentCommand } from '../src/action/comment-command.js';

describe('comment commands', () => {
  it.each([
    ['/reward correctness=-1 note="wrong cursor field"', { correctness: -1 }, 'wrong cursor field'],
    ['/reward correctness=-1 efficiency=+1', { correctness: -1, efficiency: 1 }, null],
    ['/Reward Correctness: +1 novelty=0', { correctness: 1, novelty: 0 }, null],
    ['/reward correctness=−1 note=“smart quotes”', { correctness: -1 }, 'smart quotes'],
    ["/reward generality=1 note='single'", { generality: 1 }, 'single'],
    ['/reward -1', { correctness: -1 }, null],
    ['/reward 👍', { correctness: 1 }, null],
    ['/reward note=the cursor was wrong efficiency=-1', { efficiency: -1 }, 'the cursor was wrong'],
    ['/reward correctness=-1 note="spans\ntwo lines"', { correctness: -1 }, 'spans\ntwo lines'],
    ['  /reward correctness=0\nThe rest of the comment is prose.', { correctness: 0 }, null],
    ['/reward note="only a note"', {}, 'only a note'],
    ['/reward correctness=-1 note="unterminated', { correctness: -1 }, 'unterminated'],
  ])('reads %j', (body, scores, note) => {
    expect(parseCommentCommand(body)).toEqual({ kind: 'reward', scores, note });
  });

  it.each([
    ['/reward', 'give at least one score or a note'],
    ['/reward correctness=2', 'correctness must be -1, 0 or +1 (got "2")'],
    ['/reward accuracy=-1', '"accuracy" is not a reward dimension'],
    ['/reward correctness=-1 correctness=+1', 'correctness is given twice'],
    ['/reward -1 correctness=1', 'correctness is given twice'],
    ['/reward great', '"great" is not a score (try `correctness=-1`)'],
  ])('explains what is wrong with %j', (body, problem) => {
    expect(parseCommentCommand(body)).toEqual({ kind: 'invalid', command: '/reward', problem });
  });

  it('keeps notes bounded', () => {
    const command = parseCommentCommand(`/reward correctness=-1 note="${'x'.repeat(900)}"`);
    expect(command).toMatchObject({ kind: 'reward' });
    expect((command as { note: string }).note).toHaveLength(500);
  });

  it('reads /agentos commands', () => {
    expect(parseCommentCommand('/agentos retry')).toEqual({ kind: 'retry' });
    expect(parseCommentCommand('/AgentOS Retry please')).toEqual({ kind: 'retry' });
    expect(parseCommentCommand('/agentos')).toEqual({ kind: 'help' });
    expect(parseCommentCommand('/agentos help')).toEqual({ kind: 'help' });
    expect(parseCommentCommand('/agentos deploy')).toEqual({
      kind: 'invalid',
      command: '/agentos',
      problem: 'unknown command "/agentos deploy"',
    });
  });

  it('treats anything else as conversation', () => {
    for (const body of ['Looks good', 'I will /reward this later', '/rewards', '/agentosx', ''])
      expect(parseCommentCommand(body)).toBeUndefined();
  });
});
