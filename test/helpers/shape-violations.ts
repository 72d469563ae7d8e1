// Where the GitHub stand-in reports requests and answers that do not have GitHub's shapes, so that
// the test during which they happened fails (test/helpers/shape-check.ts), whoever called the stand-in.
const pending: string[] = [];

export function reportShapeViolation(violation: string): void {
  pending.push(violation);
}

/** The violations reported since the last call, removed from the list. */
export function takeShapeViolations(): string[] {
  return pending.splice(0, pending.length);
}
