// The action's run: read the settings and the event, mask the secrets, do the one job the event
// asks for, then write the outputs and the job summary. Any error fails the step with its message.
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { LocalPlatform } from '../platform/local.js';
import { declareRunSecrets, runRedactor } from '../security/run-redactor.js';
import { createActionContext, runSecrets, type ActionContext } from './context.js';
import { chooseJob, executeJob } from './dispatch.js';
import { readEvent } from './event.js';
import { readSettings } from './inputs.js';
import { actionsLogger } from './log.js';
import { completeOutputs, renderSummary, type ActionReport } from './report.js';
import { readRunnerContext } from './runner.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let redact = (text: string): string => runRedactor().redact(text);
  let logger: Logger = actionsLogger(redact);
  let ctx: ActionContext | undefined;
  try {
    const settings = readSettings(env);
    const runner = readRunnerContext(env);
    const secrets = runSecrets(settings, runner, env);
    for (const secret of secrets) core.setSecret(secret.value);
    const redactor = declareRunSecrets(env, secrets);
    redact = (text) => redactor.redact(text);
    logger = actionsLogger(redact);
    const event = readEvent(runner.eventName, runner.eventPath);
    const job = chooseJob(event, settings);
    ctx = createActionContext({ settings, runner, event, env, logger, redact });
    const report = await executeJob(job, ctx);
    await finish(report, ctx, redact, env);
  } catch (error) {
    const message = errorMessage(error);
    try {
      await finish(
        { status: 'failed', title: 'failed', lines: [`**Failed:** ${message}`], outputs: {} },
        ctx,
        redact,
        env,
      );
    } catch (reportError) {
      logger.warn(`could not write the job summary: ${errorMessage(reportError)}`);
    }
    if (error instanceof Error && error.stack) logger.debug(error.stack);
    core.setFailed(redact(message));
  }
}

async function finish(
  report: ActionReport,
  ctx: ActionContext | undefined,
  redact: (text: string) => string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const outputs = completeOutputs(report);
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redact(value));
  const lines = [...report.lines];
  const budget = ctx?.budget;
  if (budget && budget.tokensUsed > 0) {
    lines.push(
      '',
      `Model spend this run: ${budget.tokensUsed} tokens, $${budget.costUsd.toFixed(4)}.`,
    );
  }
  if (ctx?.settings.dryRun && ctx.platform instanceof LocalPlatform) {
    lines.push('', '_Dry run: nothing was pushed or posted._');
    for (const action of ctx.platform.actions)
      lines.push('', `Would ${action.kind} on ${action.target}:`, '', '```', action.detail, '```');
  }
  // @actions/core writes the summary to the file GITHUB_STEP_SUMMARY names.
  if (env.GITHUB_STEP_SUMMARY)
    await core.summary.addRaw(redact(renderSummary({ ...report, lines })), true).write();
}
