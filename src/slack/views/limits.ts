// Block Kit limits (slack-and-bolt.md) and the helpers that keep every message inside them.
// Views cut long text on purpose; `findBlockKitViolations` is what the fake Slack (and view tests) enforce.

export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  messageText: 12_000, // undocumented msg_blocks_too_long, about 12k characters of text
  fallbackText: 3000,
} as const;

const ELLIPSIS = '…';

/** Cuts text to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}

// the one mrkdwn escaper (src/slack/mrkdwn.ts), re-exported for the views that import it from here
export { escapeMrkdwn } from '../mrkdwn.js';

type Json = Record<string, unknown>;

function textOf(obj: unknown): string {
  if (obj && typeof obj === 'object' && typeof (obj as Json).text === 'string')
    return (obj as Json).text as string;
  return '';
}

function allText(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + allText(v), 0);
  if (value && typeof value === 'object') {
    return Object.entries(value as Json).reduce(
      (n, [k, v]) => n + (k === 'text' || k === 'elements' || k === 'fields' ? allText(v) : 0),
      0,
    );
  }
  return 0;
}

/** Every way `blocks` would be rejected by Slack; empty when the message is valid. */
export function findBlockKitViolations(blocks: unknown): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  if (blocks.length > LIMITS.blocksPerMessage)
    problems.push(`${blocks.length} blocks > ${LIMITS.blocksPerMessage}`);
  blocks.forEach((block: Json, i) => {
    const where = `blocks[${i}] (${String(block?.type)})`;
    switch (block?.type) {
      case 'section': {
        const t = textOf(block.text);
        if (!block.text && !block.fields) problems.push(`${where}: section needs text or fields`);
        if (t.length > LIMITS.sectionText)
          problems.push(`${where}: text ${t.length} > ${LIMITS.sectionText}`);
        if (block.text && t.length === 0) problems.push(`${where}: empty text`);
        const fields = (block.fields as unknown[] | undefined) ?? [];
        if (fields.length > LIMITS.sectionFields) problems.push(`${where}: ${fields.length} fields`);
        for (const f of fields)
          if (textOf(f).length > LIMITS.fieldText) problems.push(`${where}: field too long`);
        break;
      }
      case 'header': {
        const t = textOf(block.text);
        if (t.length > LIMITS.headerText || t.length === 0)
          problems.push(`${where}: header text ${t.length}`);
        break;
      }
      case 'actions': {
        const els = (block.elements as Json[] | undefined) ?? [];
        if (els.length === 0 || els.length > LIMITS.actionsElements)
          problems.push(`${where}: ${els.length} elements`);
        const ids = new Set<string>();
        for (const el of els) {
          const id = String(el.action_id ?? '');
          if (id.length > LIMITS.actionId) problems.push(`${where}: action_id too long`);
          if (id && ids.has(id)) problems.push(`${where}: duplicate action_id ${id}`);
          ids.add(id);
          if (el.type === 'button') {
            const t = textOf(el.text);
            if (t.length === 0 || t.length > LIMITS.buttonText)
              problems.push(`${where}: button text ${t.length}`);
            if (typeof el.value === 'string' && el.value.length > LIMITS.buttonValue)
              problems.push(`${where}: button value too long`);
          }
        }
        break;
      }
      case 'context': {
        const els = (block.elements as unknown[] | undefined) ?? [];
        if (els.length === 0 || els.length > LIMITS.contextElements)
          problems.push(`${where}: ${els.length} elements`);
        break;
      }
      case 'divider':
      case 'rich_text':
      case 'image':
        break;
      default:
        problems.push(`${where}: unknown block type`);
    }
  });
  const total = allText(blocks);
  if (total > LIMITS.messageText) problems.push(`msg_blocks_too_long: ${total} characters`);
  return problems;
}
