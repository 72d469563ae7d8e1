// `agentos daemon`: the long-lived mode of the seed's `docker run` (SPEC §10). Parses the flags,
// turns SIGTERM/SIGINT into a stop request and prints one timestamped line per task.
import { runDaemon, type DaemonEvent } from '../../daemon/daemon.js';
import { readDaemonSettings } from '../../daemon/settings.js';
import { streamLogger } from '../../log.js';
import { parse, type CliIo, type Command } from '../command.js';
import { taskLine } from '../iteration-report.js';

function eventLine(event: DaemonEvent): string {
  switch (event.kind) {
    case 'started': {
      const push = event.target
        ? `pushing to ${event.target.remote}/${event.target.branch}`
        : 'not pushing';
      return `daemon started: agents ${event.agents.join(', ')}; ${push}; health file ${event.healthFile}`;
    }
    case 'task': {
      const commit = event.result.commit ? ` commit ${event.result.commit.slice(0, 7)}` : '';
      const review = event.result.review ? `; awaits review on ${event.result.review.branch}` : '';
      return `${taskLine(event.result)}${commit}${event.pushed ? ' (pushed)' : ''}${review}`;
    }
    case 'learning':
      return `${event.result.summary}${event.pushed ? ' (pushed)' : ''}`;
    case 'error':
      return `error: ${event.message}`;
    case 'stopping':
      return `stopping: ${event.reason}`;
    case 'stopped':
      return `daemon stopped: ${event.done} done, ${event.failed} failed`;
  }
}

/** SIGTERM and SIGINT ask the daemon to stop after the work in hand; returns the detach function. */
function stopOnSignals(io: CliIo, controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return;
    io.stderr.write(
      `${new Date().toISOString()} ${signal}: finishing the work in hand, then stopping\n`,
    );
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

export const daemonCommand: Command = {
  name: 'daemon',
  help: `Usage: agentos daemon [options]

The long-lived mode (the seed's "docker run -d … agentos"): every POLL_INTERVAL seconds it reads
queue.md of every agent in agents.yaml under DATA_DIR and runs their pending tasks one at a time,
each through the same iteration as "agentos run" (one commit per task). Once a day, in the hour
--learn-hour names (UTC), it runs the learning run of every agent. When the repository has the
remote --remote names (default: origin, if there is one), each commit is pushed with
fetch-rebase-retry, and the checkout is brought up to the remote before each poll. One line per
task goes to stdout; the health file (JSON) says what the daemon is doing.

SIGTERM or SIGINT: the task in hand finishes (commit and push), then the daemon exits 0. A
daemon killed outright leaves no half commit: the next start rolls the change back from its
journal, and the task is still pending.

Options:
  -C, --dir DIR            the agent repository (default: $DATA_DIR, else the current folder)
  --poll-interval SECONDS  seconds between polls when nothing is pending (default:
                           $POLL_INTERVAL, else 5)
  --learn-hour HOUR        the UTC hour of the daily learning run, 0-23, or "off" (default:
                           $AGENTOS_LEARN_HOUR, else 3, the hour of the workflow's schedule)
  --remote NAME            the git remote to push to, or "none" (default: $AGENTOS_REMOTE, else
                           origin when the repository has it)
  --health-file FILE       where to keep the health file (default: $AGENTOS_HEALTH_FILE, else
                           .git/agentos/daemon-health.json in the repository)
  --once                   run what is pending, then exit instead of polling
  --max-tasks N            exit after N tasks
  -v, --verbose            say more about each step
  -h, --help               show this help

Model: as for "agentos run" (LLM_API_KEY, LLM_BASE_URL, LLM_MODEL; the offline model without
them). AGENTOS_MAX_TOKENS and AGENTOS_MAX_COST_USD cap each task.

Exit codes: 0 stopped as asked; 1 an unexpected error; 2 bad usage or input (a bad setting, no
agent repository at DATA_DIR).`,
  async run(argv, io) {
    const { values } = parse('daemon', argv, {
      dir: { type: 'string', short: 'C' },
      'poll-interval': { type: 'string' },
      'learn-hour': { type: 'string' },
      remote: { type: 'string' },
      'health-file': { type: 'string' },
      once: { type: 'boolean' },
      'max-tasks': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const settings = readDaemonSettings(
      {
        dir: values.dir,
        pollInterval: values['poll-interval'],
        learnHour: values['learn-hour'],
        remote: values.remote,
        healthFile: values['health-file'],
        maxTasks: values['max-tasks'],
        once: values.once,
      },
      io.env,
      io.cwd,
    );
    const controller = new AbortController();
    const detach = stopOnSignals(io, controller);
    const logger = streamLogger(io.stderr, values.verbose);
    try {
      await runDaemon({
        settings,
        env: io.env,
        stop: controller.signal,
        logger: { ...logger, info: () => {} },
        report: (event) => {
          const stream = event.kind === 'error' ? io.stderr : io.stdout;
          stream.write(`${new Date().toISOString()} ${eventLine(event)}\n`);
        },
      });
    } finally {
      detach();
    }
    return 0;
  },
};
