// Slack mrkdwn for the local page: text -> a tree of plain nodes (parseMrkdwn, testable without a
// browser) -> DOM built with createElement and textContent only (renderMrkdwn). Nothing from a message is
// ever parsed as HTML: "<script>" in a message stays the text "<script>".

const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

/** Slack escapes &, < and > in message text; show them as the characters they stand for. */
export function decodeEntities(text) {
  return text.replace(/&(lt|gt|amp);/g, (m) => ENTITIES[m]);
}

// The emoji the bot uses, as Slack shows them; other :names: stay as written.
const EMOJI = {
  x: '❌',
  white_check_mark: '✅',
  warning: '⚠️',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  red_circle: '🔴',
  large_green_circle: '🟢',
  white_circle: '⚪',
  double_vertical_bar: '⏸️',
  gear: '⚙️',
  alarm_clock: '⏰',
  rotating_light: '🚨',
  mag: '🔍',
  key: '🔑',
  information_source: 'ℹ️',
  hourglass_flowing_sand: '⏳',
  grey_question: '❔',
  ballot_box_with_check: '☑️',
};

/** Replaces known :emoji: names with the character. */
export function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (m, name) => (Object.hasOwn(EMOJI, name) ? EMOJI[name] : m));
}

const SPECIAL = { channel: '@channel', here: '@here', everyone: '@everyone' };
const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** One <...> token: a mention, a special mention, a link; anything else is shown as the text it is. */
function angle(inner) {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? decodeEntities(inner.slice(bar + 1)) : undefined;
  if (target.startsWith('@')) return { type: 'mention', kind: 'user', id: target.slice(1), label };
  if (target.startsWith('#')) return { type: 'mention', kind: 'channel', id: target.slice(1), label };
  if (target.startsWith('!')) {
    const name = target.slice(1).split('^')[0];
    if (SPECIAL[name]) return { type: 'mention', kind: 'special', id: name, label: SPECIAL[name] };
    if (name === 'subteam')
      return { type: 'mention', kind: 'usergroup', id: target.split('^')[1] ?? '', label };
    return { type: 'text', text: label ?? decodeEntities(`<${inner}>`) };
  }
  const url = decodeEntities(target);
  if (SAFE_URL.test(url)) return { type: 'link', url, label: label ?? url };
  return { type: 'text', text: decodeEntities(`<${inner}>`) };
}

// code, <token>, then *bold*, _italic_, ~strike~ that start and end at word boundaries (as Slack does)
const INLINE =
  /`([^`\n]+)`|<([^<>\n]*)>|(^|[^\w*])\*([^*\n]+)\*(?![\w*])|(^|[^\w_])_([^_\n]+)_(?![\w_])|(^|[^\w~])~([^~\n]+)~(?![\w~])/;

export function parseInline(text) {
  const nodes = [];
  let rest = text;
  while (rest.length > 0) {
    const m = INLINE.exec(rest);
    if (!m) {
      nodes.push({ type: 'text', text: emojify(decodeEntities(rest)) });
      break;
    }
    const prefix = m[3] ?? m[5] ?? m[7] ?? '';
    const before = rest.slice(0, m.index) + prefix;
    if (before) nodes.push({ type: 'text', text: emojify(decodeEntities(before)) });
    if (m[1] !== undefined) nodes.push({ type: 'code', text: decodeEntities(m[1]) });
    else if (m[2] !== undefined) nodes.push(angle(m[2]));
    else if (m[4] !== undefined) nodes.push({ type: 'bold', children: parseInline(m[4]) });
    else if (m[6] !== undefined) nodes.push({ type: 'italic', children: parseInline(m[6]) });
    else nodes.push({ type: 'strike', children: parseInline(m[8]) });
    rest = rest.slice(m.index + m[0].length);
  }
  return nodes;
}

function parseLines(text) {
  const nodes = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) nodes.push({ type: 'br' });
    const quote = /^(&gt;|>)\s?/.exec(line);
    if (quote) nodes.push({ type: 'quote', children: parseInline(line.slice(quote[0].length)) });
    else nodes.push(...parseInline(line));
  });
  return nodes;
}

/** Parses Slack mrkdwn into nodes: text, bold, italic, strike, code, pre, quote, br, link, mention. */
export function parseMrkdwn(text) {
  const nodes = [];
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    if (m.index > last) nodes.push(...parseLines(text.slice(last, m.index)));
    nodes.push({ type: 'pre', text: decodeEntities(m[1].replace(/^\n/, '')) });
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(...parseLines(text.slice(last)));
  return nodes;
}

const TAGS = { bold: 'strong', italic: 'em', strike: 's', quote: 'blockquote' };

/** Builds DOM for `text` (mrkdwn); `names` maps user ids to display names for mentions. */
export function renderMrkdwn(doc, text, names = new Map()) {
  const fragment = doc.createDocumentFragment();
  const build = (node) => {
    switch (node.type) {
      case 'text':
        return doc.createTextNode(node.text);
      case 'br':
        return doc.createElement('br');
      case 'code':
      case 'pre': {
        const el = doc.createElement(node.type === 'pre' ? 'pre' : 'code');
        el.textContent = node.text;
        return el;
      }
      case 'link': {
        const a = doc.createElement('a');
        a.href = node.url;
        a.rel = 'noopener noreferrer';
        a.target = '_blank';
        a.textContent = node.label;
        return a;
      }
      case 'mention': {
        const span = doc.createElement('span');
        span.className = `mention mention-${node.kind}`;
        const name = node.kind === 'user' ? names.get(node.id) : undefined;
        const sigil = node.kind === 'channel' ? '#' : '@';
        const label = node.label && !node.label.startsWith(sigil) ? `${sigil}${node.label}` : node.label;
        span.textContent = label ?? `${sigil}${name ?? node.id}`;
        return span;
      }
      default: {
        const el = doc.createElement(TAGS[node.type] ?? 'span');
        for (const child of node.children ?? []) el.append(build(child));
        return el;
      }
    }
  };
  for (const node of parseMrkdwn(text)) fragment.append(build(node));
  return fragment;
}
