// Command-line mistakes get one clean line and exit 2: a negative number for a value option is
// checked as a value (never "argument is ambiguous"), and the command's name is said once.
import { runCli } from './helpers/cli.js';
import { makeRepo, type TestRepo } from './helpers/repo.js';

describe('agentos argument errors', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo();
  });
  afterAll(() => repo.cleanup());

  it.each([
    [['run', '--max-cost', '-1'], 'agentos run: --max-cost must be a number above 0, got "-1"'],
    [
      ['run', '--max-tokens', '-5'],
      'agentos run: --max-tokens must be a whole number above 0, got "-5"',
    ],
    [['run', '--max-cost', '-.5'], 'agentos run: --max-cost must be a number above 0, got "-.5"'],
    [['enqueue'], 'agentos enqueue: the task text is missing (see "agentos enqueue --help")'],
    [
      ['enqueue', '--priority', 'urgent', 'Sync the API.'],
      'agentos enqueue: --priority must be one of high, medium, normal, low, not "urgent"',
    ],
    [['run', '--all', '--text', 'x'], 'agentos run: give only one of --task-id, --text and --all'],
  ])('%j says one line: %s', async (args, line) => {
    const before = await repo.git.headSha();
    const run = await runCli([...args, '--dir', repo.dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${line}\n`);
    expect(run.stdout).toBe('');
    expect(await repo.git.headSha()).toBe(before);
  });
});
