// The Actions log as the runtime's Logger: info and warnings as workflow annotations, debug lines
// only when step debugging is on. Every line passes the redactor (the runner masks too; this does
// not depend on it).
import * as core from '@actions/core';
import type { Logger } from '../log.js';

export function actionsLogger(redact: (text: string) => string): Logger {
  return {
    info: (message) => core.info(redact(message)),
    warn: (message) => core.warning(redact(message)),
    debug: (message) => core.debug(redact(message)),
  };
}
