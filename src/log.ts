// The logger interface every module writes through: the CLI prints to stderr, the action to the
// Actions log, tests collect lines. Lines printed by the CLI pass the run's redactor.
import { runRedactor } from './security/run-redactor.js';
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

export function streamLogger(stream: NodeJS.WritableStream, verbose = false): Logger {
  return {
    info: (message) => stream.write(`${runRedactor().redact(message)}\n`),
    warn: (message) => stream.write(`warning: ${runRedactor().redact(message)}\n`),
    debug: (message) => {
      if (verbose) stream.write(`debug: ${runRedactor().redact(message)}\n`);
    },
  };
}

/** A logger that keeps every line, for tests and summaries. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warning: ${message}`),
    debug: (message) => lines.push(`debug: ${message}`),
  };
}
