// A writable stream seen through the redactor: what the CLI prints to a terminal or a log file is
// redacted like everything it writes to memory. Everything but `write` is the stream's own.
import type { Redactor } from './redact.js';

export function redactedStream<S extends NodeJS.WritableStream>(stream: S, redactor: Redactor): S {
  return new Proxy(stream, {
    get(target, property, receiver) {
      if (property !== 'write') {
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
        const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        return (target.write as (chunk: string, ...rest: unknown[]) => boolean)(
          redactor.redact(text),
          ...rest,
        );
      };
    },
  });
}
