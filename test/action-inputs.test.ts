// The action's settings come from INPUT_* variables (as the runner sets them) into one frozen
// object; action.yml declares exactly the inputs and outputs the code reads and writes.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { readRunnerContext } from '../src/action/runner.js';
import {
  DEFAULT_ALLOWED_ASSOCIATIONS,
  INPUT_NAMES,
  inputVariable,
  readSettings,
  requireToken,
} from '../src/action/inputs.js';
import { OUTPUT_NAMES } from '../src/action/report.js';

const env = (inputs: Record<string, string>): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );

describe('action inputs', () => {
  it('reads every input into one frozen settings object', () => {
    const settings = readSettings(
      env({
        'github-token': ' ghs_abc ',
        'llm-api-key': 'sk-test',
        'llm-base-url': 'http://127.0.0.1:11434/v1',
        'llm-model': 'llama3.1',
        'trigger-label': 'agent-task',
        'allowed-author-associations': 'owner,\nMEMBER',
        mode: 'task',
        agent: 'iris',
        'max-tokens': '20000',
        'max-cost-usd': '0.25',
        'dry-run': 'True',
      }),
    );
    expect(settings).toEqual({
      githubToken: 'ghs_abc',
      llm: { apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.1' },
      triggerLabel: 'agent-task',
      allowedAssociations: ['OWNER', 'MEMBER'],
      mode: 'task',
      agent: 'iris',
      budget: { maxTokens: 20000, maxCostUsd: 0.25 },
      dryRun: true,
    });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.llm)).toBe(true);
  });

  it('defaults as action.yml documents them', () => {
    const settings = readSettings({});
    expect(settings).toMatchObject({
      githubToken: '',
      triggerLabel: 'agentos',
      allowedAssociations: DEFAULT_ALLOWED_ASSOCIATIONS,
      mode: 'auto',
      agent: undefined,
      budget: { maxTokens: undefined, maxCostUsd: undefined },
      dryRun: false,
    });
    const action = parse(readFileSync('action.yml', 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [
        inputVariable(name as never),
        input.default ?? '',
      ]),
    );
    delete defaults[inputVariable('github-token')]; // ${{ github.token }}: the runner's, not ours
    expect(readSettings(defaults)).toEqual({ ...settings, githubToken: '' });
  });

  it.each([
    [
      { mode: 'fly' },
      'input "mode": must be one of auto, task, learn, consensus, metrics, list-agents (got "fly")',
    ],
    [{ 'dry-run': 'yes' }, 'input "dry-run": must be true or false (got "yes")'],
    [
      { 'max-tokens': '1.5' },
      'input "max-tokens": must be a positive whole number or empty (got "1.5")',
    ],
    [{ 'max-cost-usd': '0' }, 'input "max-cost-usd": must be a positive number or empty (got "0")'],
    [
      { 'llm-base-url': 'localhost:8080' },
      'input "llm-base-url": must be an http(s) URL (got "localhost:8080")',
    ],
    [
      { agent: 'Orion!' },
      'input "agent": must be an agent name from agents.yaml such as "orion" (got "Orion!")',
    ],
    [
      { 'trigger-label': 'x'.repeat(51) },
      'input "trigger-label": GitHub labels have at most 50 characters',
    ],
  ])('fails on %j naming the input', (inputs, message) => {
    expect(() => readSettings(env(inputs))).toThrow(message);
  });

  it('names the token input when work needs it and it is empty', () => {
    expect(() => requireToken(readSettings({}), 'posting to GitHub')).toThrow(
      'input "github-token": is empty, but posting to GitHub needs it (the default is ${{ github.token }})',
    );
  });

  it('names a missing runner variable', () => {
    expect(() => readRunnerContext({ GITHUB_REPOSITORY: 'o/r' })).toThrow(
      'environment variable GITHUB_EVENT_NAME is not set: AgentOS runs as a step of a GitHub Actions job',
    );
    expect(() => readRunnerContext({ GITHUB_REPOSITORY: 'just-a-name' })).toThrow(
      'GITHUB_REPOSITORY must be "owner/repo" (got "just-a-name")',
    );
  });

  it('action.yml declares exactly the inputs and outputs the action reads and writes', () => {
    const action = parse(readFileSync('action.yml', 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      runs: { using: string; image: string };
    };
    expect(Object.keys(action.inputs)).toEqual([...INPUT_NAMES]);
    expect(Object.keys(action.outputs)).toEqual([...OUTPUT_NAMES]);
    expect(action.runs).toEqual({ using: 'docker', image: 'Dockerfile' });
  });
});
