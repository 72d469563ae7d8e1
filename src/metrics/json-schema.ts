// The schema of `agentos metrics --json` (schema_version 1), documented in docs/metrics.md: the
// tests check every report against it, so the JSON cannot drift from what the docs promise.
import { z } from 'zod';
import { TIERS } from '../memory/registry.js';
import { METRIC_IDS } from './definitions.js';
import { PROPOSAL_STATUSES } from './expected-shapes.js';
import { METRICS_SCHEMA_VERSION } from './report.js';

const isoTime = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'an ISO-8601 time');

const MetricValueSchema = z
  .strictObject({
    status: z.enum(['ok', 'not-enough-data', 'no-data']),
    value: z.number().nullable(),
    numerator: z.number().nullable(),
    denominator: z.number().int().min(0).nullable(),
    reason: z.string().min(1).nullable(),
    detail: z.record(z.string(), z.number().nullable()),
  })
  // A value exactly when the status is ok; a reason exactly when it is not.
  .refine((v) => (v.status === 'ok') === (v.value !== null), 'value is set exactly when ok')
  .refine((v) => (v.status === 'ok') === (v.reason === null), 'reason is set exactly when not ok');

const WindowSchema = z.strictObject({
  start: isoTime.nullable(),
  end: z.string(),
  tasks: z.number().int().min(0),
});

const RoutingSavingsSchema = z.union([
  z.strictObject({ status: z.literal('no-data'), reason: z.string().min(1) }),
  z.strictObject({
    status: z.literal('ok'),
    tasks: z.number().int().min(1),
    actual_usd: z.number(),
    always_strongest_usd: z.number(),
    oracle_usd: z.number(),
    saved_usd: z.number(),
    gap_to_oracle_usd: z.number(),
  }),
]);

const tierCounts = z.strictObject(
  Object.fromEntries(TIERS.map((tier) => [tier, z.number().int().min(0)])) as Record<
    (typeof TIERS)[number],
    z.ZodNumber
  >,
);

export const MetricsReportSchema = z.strictObject({
  schema_version: z.literal(METRICS_SCHEMA_VERSION),
  window: z.string().regex(/^\d+(d|tasks)$/),
  since: isoTime.nullable(),
  agents: z.array(
    z.strictObject({
      agent: z.string().min(1),
      anchor: isoTime.nullable(),
      current: WindowSchema,
      previous: WindowSchema,
      metrics: z
        .array(
          z.strictObject({
            id: z.enum(METRIC_IDS),
            name: z.string().min(1),
            unit: z.enum(['ratio', 'reward', 'usd', 'hours']),
            better: z.enum(['higher', 'lower']),
            current: MetricValueSchema,
            previous: MetricValueSchema,
            trend: z.enum(['better', 'worse', 'same', 'unknown']),
          }),
        )
        .length(METRIC_IDS.length),
      routing_savings: RoutingSavingsSchema,
      series: z.array(
        WindowSchema.extend({
          success_rate: z.number().min(0).max(1).nullable(),
          cost_per_success: z.number().min(0).nullable(),
          tiers: tierCounts,
        }),
      ),
      beliefs_by_status: z.record(z.string(), z.number().int().min(0)),
      proposals_by_outcome: z
        .strictObject(
          Object.fromEntries(PROPOSAL_STATUSES.map((s) => [s, z.number().int().min(0)])) as Record<
            (typeof PROPOSAL_STATUSES)[number],
            z.ZodNumber
          >,
        )
        .nullable(),
    }),
  ),
});
