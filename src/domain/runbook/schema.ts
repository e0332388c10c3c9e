// The runbook file's shape (runbook/runbook.yml), validated with zod. Row ids are public interface.
import { z } from 'zod';
import type { RunbookIndex } from './index-rows.js';
import { SIGNAL_NAMES, type SignalName } from './read-structure.js';

/** The approval-gated fixes the bot can run. Fixed: policy.yml names the same five. */
export const ACTION_NAMES = ['refresh', 'relogin', 'reenable', 'rollback', 'reset-cooldown'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const kebab = (what: string) =>
  z.string().regex(KEBAB, `${what} must be kebab-case (lowercase letters, digits and dashes)`);
const text = z.string().trim().min(1, 'must not be empty');
const words = z.array(text).default([]);

const matchSchema = z.strictObject({
  status: z.array(z.number().int().min(100).max(599)).default([]),
  phrases: words,
  providers: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'provider names are lowercase')).default([]),
  routes: z
    .array(
      z
        .string()
        .regex(
          /^(?:(?:GET|POST|PUT|PATCH|DELETE)\s+)?\/\S*$/,
          'a route is "/path" or "METHOD /path" ({name} and * are wildcards)',
        ),
    )
    .default([]),
  keywords: words,
  codes: z
    .array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'an error code is lowercase letters, digits and _'))
    .default([]),
  signals: z.array(z.enum(SIGNAL_NAMES)).default([]),
});

export const rowSchema = z.strictObject({
  id: kebab('id'),
  symptom: text,
  confirm: text,
  fix: text,
  check: kebab('check').optional(),
  action: z.enum(ACTION_NAMES).optional(),
  scope: text.optional(),
  match: matchSchema.default({
    status: [],
    phrases: [],
    providers: [],
    routes: [],
    keywords: [],
    codes: [],
    signals: [],
  }),
});

/** What people write (any language) for a runbook word: `refresh: [刷新, 续期]`. */
const vocabularySchema = z.record(
  z.string().trim().min(1, 'a vocabulary word must not be empty'),
  z.array(text).min(1, 'list at least one way people write it'),
);

export const runbookSchema = z.strictObject({
  vocabulary: vocabularySchema.default({}),
  rows: z
    .array(rowSchema)
    .min(1, 'the runbook needs at least one row')
    .superRefine((rows, ctx) => {
      const seen = new Map<string, number>();
      rows.forEach((row, i) => {
        const first = seen.get(row.id);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'id'],
            message: `duplicate id "${row.id}" (already used by rows[${first}])`,
          });
        } else seen.set(row.id, i);
      });
    }),
});

export interface RowMatch {
  status: number[];
  phrases: string[];
  providers: string[];
  routes: string[];
  keywords: string[];
  /** Error codes (model_cooldown, invalid_grant) that point here when a log line carries them. */
  codes?: string[];
  /** Stories read from the whole report: a version upgrade, a provider token endpoint. */
  signals?: SignalName[];
}

export interface RunbookRow {
  id: string;
  symptom: string;
  confirm: string;
  fix: string;
  /** Name of the read-only check (`auth-bot check ROW-ID`); absent when it needs process logs or flags. */
  check?: string;
  /** The approval-gated fix the bot can run for this row, if any. */
  action?: ActionName;
  /** Where the row applies, e.g. "CLIProxyAPIPlus #149". */
  scope?: string;
  match: RowMatch;
}

export interface Runbook {
  /** Where the rows came from (a path, or a label for in-memory text). */
  source: string;
  rows: RunbookRow[];
  /** Precomputed at load; what matchRunbook compares queries against. */
  index: RunbookIndex;
}
