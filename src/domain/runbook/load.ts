// Loading the runbook: YAML text → validated rows → precomputed match index. Errors name line and field.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../errors.js';
import { indexRunbook } from './index-rows.js';
import { formatPath, lineOfPath } from './locate-issue.js';
import { type Runbook, type RunbookRow, runbookSchema } from './schema.js';

export type { Runbook } from './schema.js';

const MAX_REPORTED = 5;
const HINT = 'Fix the file and validate it with: auth-bot runbook check FILE';

function fail(source: string, problems: string[]): never {
  const shown = problems.slice(0, MAX_REPORTED);
  const more = problems.length > shown.length ? `\n  (and ${problems.length - shown.length} more)` : '';
  throw new AppError('bad_config', `Invalid runbook ${source}:\n  ${shown.join('\n  ')}${more}`, {
    hint: HINT,
  });
}

function rowLabel(data: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'rows' || typeof path[1] !== 'number') return '';
  const rows = (data as { rows?: unknown } | null)?.rows;
  const row = Array.isArray(rows) ? (rows[path[1]] as { id?: unknown } | undefined) : undefined;
  return typeof row?.id === 'string' ? ` (row "${row.id}")` : '';
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown, line: number | undefined): string {
  const where = line === undefined ? '' : `line ${line}, `;
  const path = issue.path as PropertyKey[];
  const field = formatPath(path);
  const message =
    issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  return `${where}field ${field}${rowLabel(data, path)}: ${message}`;
}

/** Parses and validates runbook YAML; throws AppError('bad_config') naming the line and field. */
export function loadRunbook(text: string, source: string): Runbook {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    fail(
      source,
      doc.errors.map(
        (e) =>
          `line ${e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line}: YAML: ${e.message.split('\n')[0]}`,
      ),
    );
  }
  const data: unknown = doc.toJS();
  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) {
    fail(
      source,
      parsed.error.issues.map((issue) => {
        const path = issue.path as PropertyKey[];
        // an unknown field is reported on its own line, not its row's
        const at = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0] as string] : path;
        return describeIssue(issue, data, lineOfPath(doc, lines, at));
      }),
    );
  }
  const rows = parsed.data.rows.map(toRow);
  return { source, rows, index: indexRunbook(rows, parsed.data.vocabulary) };
}

function toRow(r: z.output<typeof runbookSchema>['rows'][number]): RunbookRow {
  const row: RunbookRow = { id: r.id, symptom: r.symptom, confirm: r.confirm, fix: r.fix, match: r.match };
  if (r.check !== undefined) row.check = r.check;
  if (r.action !== undefined) row.action = r.action;
  if (r.scope !== undefined) row.scope = r.scope;
  return row;
}

export function loadRunbookFile(path: string): Runbook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new AppError('bad_config', `Cannot read runbook ${path}: ${reason}`, {
      hint: 'Set AUTHBOT_RUNBOOK_FILE to a readable runbook YAML, or unset it to use the bundled one.',
      cause: err,
    });
  }
  return loadRunbook(text, path);
}

let packageRoot: string | undefined;

/** The runbook shipped with the package: runbook/runbook.yml next to package.json (src/ or dist/ alike). */
export function bundledRunbookPath(): string {
  if (packageRoot === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    packageRoot = dir;
  }
  return resolve(packageRoot, 'runbook', 'runbook.yml');
}

/** The runbook to use: the configured file, else the bundled one. */
export function loadConfiguredRunbook(runbookFile: string | undefined): Runbook {
  return loadRunbookFile(runbookFile ?? bundledRunbookPath());
}
