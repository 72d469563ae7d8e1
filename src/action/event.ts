// The event that started the run (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH): the webhook payload,
// validated for the fields AgentOS reads, as a typed union. Unknown events are kept by name only.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { errorMessage, InputError } from '../errors.js';

const User = z.looseObject({ login: z.string(), type: z.string().default('User') });
const Label = z.looseObject({ name: z.string() });

const IssuePayload = z.looseObject({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().default(null),
  user: User,
  author_association: z.string(),
  labels: z.array(Label).default([]),
  pull_request: z.unknown().optional(),
});

const IssuesPayload = z.looseObject({
  action: z.string(),
  issue: IssuePayload,
  label: Label.optional(),
  sender: User,
});

const IssueCommentPayload = z.looseObject({
  action: z.string(),
  issue: IssuePayload,
  comment: z.looseObject({
    id: z.number().int(),
    body: z.string().nullable().default(''),
    user: User,
    author_association: z.string(),
    performed_via_github_app: z.unknown().optional(),
  }),
});

const ReviewPayload = z.looseObject({
  action: z.string(),
  review: z.looseObject({ state: z.string(), user: User }),
  pull_request: z.looseObject({
    number: z.number().int().positive(),
    head: z.looseObject({ ref: z.string(), sha: z.string() }),
  }),
});

const DispatchPayload = z.looseObject({
  inputs: z.record(z.string(), z.unknown()).nullable().default(null),
});

const SchedulePayload = z.looseObject({ schedule: z.string().default('') });

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  author: string;
  authorAssociation: string;
  labels: string[];
  isPullRequest: boolean;
}

export interface CommentInfo {
  id: number;
  body: string;
  author: string;
  authorAssociation: string;
  /** Written by a bot or an app (our own replies included): never obeyed. */
  byBot: boolean;
}

export type ActionEvent =
  | { name: 'issues'; action: string; issue: IssueInfo; label: string | undefined; sender: string }
  | { name: 'issue_comment'; action: string; issue: IssueInfo; comment: CommentInfo }
  | {
      name: 'pull_request_review';
      action: string;
      pullRequest: number;
      headRef: string;
      headSha: string;
      reviewState: string;
      reviewer: string;
    }
  | { name: 'workflow_dispatch'; inputs: Record<string, string> }
  | { name: 'schedule'; cron: string }
  | { name: 'other'; eventName: string };

function issueInfo(issue: z.infer<typeof IssuePayload>): IssueInfo {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    author: issue.user.login,
    authorAssociation: issue.author_association,
    labels: issue.labels.map((label) => label.name),
    isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
  };
}

function validate<T>(schema: z.ZodType<T>, payload: unknown, eventName: string, path: string): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || '(root)';
  throw new InputError(
    `${path}: the ${eventName} event payload has no valid "${field}": ${issue?.message ?? 'invalid'}`,
  );
}

/** Parses a payload already read; `path` names it in errors. */
export function parseEvent(eventName: string, payload: unknown, path: string): ActionEvent {
  switch (eventName) {
    case 'issues': {
      const p = validate(IssuesPayload, payload, eventName, path);
      return {
        name: 'issues',
        action: p.action,
        issue: issueInfo(p.issue),
        label: p.label?.name,
        sender: p.sender.login,
      };
    }
    case 'issue_comment': {
      const p = validate(IssueCommentPayload, payload, eventName, path);
      const c = p.comment;
      return {
        name: 'issue_comment',
        action: p.action,
        issue: issueInfo(p.issue),
        comment: {
          id: c.id,
          body: c.body ?? '',
          author: c.user.login,
          authorAssociation: c.author_association,
          byBot:
            c.user.type === 'Bot' ||
            (c.performed_via_github_app !== undefined && c.performed_via_github_app !== null),
        },
      };
    }
    case 'pull_request_review': {
      const p = validate(ReviewPayload, payload, eventName, path);
      return {
        name: 'pull_request_review',
        action: p.action,
        pullRequest: p.pull_request.number,
        headRef: p.pull_request.head.ref,
        headSha: p.pull_request.head.sha,
        reviewState: p.review.state,
        reviewer: p.review.user.login,
      };
    }
    case 'workflow_dispatch': {
      const p = validate(DispatchPayload, payload, eventName, path);
      const inputs: Record<string, string> = {};
      for (const [key, value] of Object.entries(p.inputs ?? {}))
        if (value !== null && value !== undefined) inputs[key] = String(value);
      return { name: 'workflow_dispatch', inputs };
    }
    case 'schedule':
      return {
        name: 'schedule',
        cron: validate(SchedulePayload, payload, eventName, path).schedule,
      };
    default:
      return { name: 'other', eventName };
  }
}

/** Reads and parses the event file the runner wrote. */
export function readEvent(eventName: string, path: string): ActionEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(
      `GITHUB_EVENT_PATH ${path}: cannot read the event payload: ${errorMessage(error)}`,
    );
  }
  return parseEvent(eventName, payload, path);
}
