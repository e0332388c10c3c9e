// Types of mrkdwn.js (a plain browser module, also imported by its unit tests).
export type MrkdwnNode =
  | { type: 'text' | 'code' | 'pre'; text: string }
  | { type: 'br' }
  | { type: 'bold' | 'italic' | 'strike' | 'quote'; children: MrkdwnNode[] }
  | { type: 'link'; url: string; label: string }
  | {
      type: 'mention';
      kind: 'user' | 'channel' | 'special' | 'usergroup';
      id: string;
      label: string | undefined;
    };

export function decodeEntities(text: string): string;
export function emojify(text: string): string;
export function parseInline(text: string): MrkdwnNode[];
export function parseMrkdwn(text: string): MrkdwnNode[];
export function renderMrkdwn(doc: unknown, text: string, names?: Map<string, string>): unknown;
