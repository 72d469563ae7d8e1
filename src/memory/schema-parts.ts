// Schema pieces shared by several memory file kinds.
import { z } from 'zod';

/** An ISO-8601 date or timestamp, kept as the string the file holds. */
export const timestamp = z
  .string()
  .refine(
    (value) => !Number.isNaN(Date.parse(value)),
    'must be an ISO-8601 date such as 2026-04-30T10:00:00Z',
  );

export const tagList = z.array(z.string().min(1)).default([]);

/** A score of one reward dimension, or of the whole task: -1, 0 or +1. */
export const signedUnit = z.union([z.literal(-1), z.literal(0), z.literal(1)]);
export type SignedUnit = z.infer<typeof signedUnit>;

/** A moment as the memory files write it: ISO-8601 in UTC, to the second (2026-04-30T10:00:00Z). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
