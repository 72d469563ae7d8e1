// The error values every module throws: each says what failed, where, and what to do about it.

/** Base class: anything the runtime reports to a user as a one-line reason. */
export class AgentOSError extends Error {
  override name = 'AgentOSError';
}

/** Bad input from the user: a flag, an input, a file. The CLI exits 2 on these. */
export class InputError extends AgentOSError {
  override name = 'InputError';
}

/** Bad command-line usage. The CLI exits 2 and points at `--help`. */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/** A memory file that breaks its schema, named by path, field and line where known. */
export class MemoryFileError extends InputError {
  override name = 'MemoryFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly field?: string,
    readonly line?: number,
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    super(field ? `${where}: field "${field}": ${problem}` : `${where}: ${problem}`);
  }
}

/** A write the path guard refused (SPEC §12): outside the agent's memory or a human-owned file. */
export class PathRefusedError extends AgentOSError {
  override name = 'PathRefusedError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`refused to write "${path}": ${reason}`);
  }
}

/** The message of anything thrown (duck-typed: errors from another realm are not `instanceof Error`). */
export function errorMessage(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
