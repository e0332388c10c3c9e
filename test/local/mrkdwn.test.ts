// Slack mrkdwn as the local page reads it: formatting, mentions, links, code, and text that only ever
// stays text (HTML in a message is never markup).
import { describe, expect, it } from 'vitest';
import { parseMrkdwn } from '../../src/local/assets/mrkdwn.js';

describe('parseMrkdwn', () => {
  it.each([
    ['*bold*', [{ type: 'bold', children: [{ type: 'text', text: 'bold' }] }]],
    ['_it_', [{ type: 'italic', children: [{ type: 'text', text: 'it' }] }]],
    ['~gone~', [{ type: 'strike', children: [{ type: 'text', text: 'gone' }] }]],
    ['`a*b*c`', [{ type: 'code', text: 'a*b*c' }]],
    ['```line 1\n*not bold*```', [{ type: 'pre', text: 'line 1\n*not bold*' }]],
    ['<@U0LOCALALICE>', [{ type: 'mention', kind: 'user', id: 'U0LOCALALICE', label: undefined }]],
    ['<!channel>', [{ type: 'mention', kind: 'special', id: 'channel', label: '@channel' }]],
    ['<#C0LOCAL|incident>', [{ type: 'mention', kind: 'channel', id: 'C0LOCAL', label: 'incident' }]],
    [
      '<https://example.com/a?b=1&amp;c=2|the docs>',
      [{ type: 'link', url: 'https://example.com/a?b=1&c=2', label: 'the docs' }],
    ],
    [':white_check_mark: done', [{ type: 'text', text: '✅ done' }]],
    [':not_an_emoji_we_know:', [{ type: 'text', text: ':not_an_emoji_we_know:' }]],
  ])('%s', (text, nodes) => {
    expect(parseMrkdwn(text)).toEqual(nodes);
  });

  it('nests italic in bold and keeps words with underscores whole', () => {
    expect(parseMrkdwn('*a _b_ c* snake_case_name')).toEqual([
      {
        type: 'bold',
        children: [
          { type: 'text', text: 'a ' },
          { type: 'italic', children: [{ type: 'text', text: 'b' }] },
          { type: 'text', text: ' c' },
        ],
      },
      { type: 'text', text: ' snake_case_name' },
    ]);
  });

  it('turns quotes and new lines into quote and br nodes', () => {
    expect(parseMrkdwn('one\n&gt; quoted')).toEqual([
      { type: 'text', text: 'one' },
      { type: 'br' },
      { type: 'quote', children: [{ type: 'text', text: 'quoted' }] },
    ]);
  });

  it('keeps HTML as text: escaped or raw, <script> and <img onerror> are never markup', () => {
    const escaped = parseMrkdwn('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escaped).toEqual([{ type: 'text', text: '<script>alert(1)</script>' }]);
    const raw = parseMrkdwn('<img src=x onerror=alert(1)>');
    expect(raw).toEqual([{ type: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });

  it('links only http(s) and mailto; javascript: and data: stay text', () => {
    expect(parseMrkdwn('<javascript:alert(1)|click>')).toEqual([
      { type: 'text', text: '<javascript:alert(1)|click>' },
    ]);
    expect(parseMrkdwn('<data:text/html,hi>')).toEqual([{ type: 'text', text: '<data:text/html,hi>' }]);
    expect(parseMrkdwn('<mailto:a@b.c|mail>')).toEqual([
      { type: 'link', url: 'mailto:a@b.c', label: 'mail' },
    ]);
  });
});
