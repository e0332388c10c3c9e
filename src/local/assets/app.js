// The local page: one channel, live over server-sent events for the user picked, a composer that sends
// messages and slash commands, threads in a side pane, clicks posted as that user.
import { renderBlocks } from './blocks.js';
import { renderMrkdwn } from './mrkdwn.js';

const $ = (id) => document.getElementById(id);
const state = {
  user: localStorage.getItem('authbot-local-user') ?? 'U0LOCALYOU',
  messages: new Map(),
  names: new Map(),
  openThread: null,
  source: null,
  /** Until when new messages scroll the list down even if the reader scrolled up (after sending). */
  stickUntil: 0,
};

const isReply = (m) => m.threadTs !== null && m.threadTs !== m.ts;
const repliesOf = (ts) => [...state.messages.values()].filter((m) => isReply(m) && m.threadTs === ts);
// Slack ts strings ("seconds.micro", fixed width here) order as strings; as numbers they can lose digits
const byTs = (a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

function showError(text) {
  $('form-error').textContent = text;
}

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: state.user, ...body }),
  });
  if (!res.ok) {
    const answer = await res.json().catch(() => ({}));
    throw new Error(answer.error ?? `HTTP ${res.status}`);
  }
}

async function onAction(message, action, control) {
  control.disabled = true;
  try {
    showError('');
    await post('/local/action', { ts: message.ts, ...action });
  } catch (err) {
    showError(`The click was not sent: ${err.message}`);
  } finally {
    control.disabled = false;
  }
}

function timeOf(ts) {
  const d = new Date(Number(ts) * 1000);
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function messageElement(m, inThread) {
  const li = document.createElement('li');
  li.className = `message${m.bot ? ' from-bot' : ''}${m.ephemeral ? ' ephemeral' : ''}`;
  li.dataset.testid = 'message';
  li.dataset.ts = m.ts;
  if (m.ephemeral) li.dataset.ephemeral = 'true';
  const head = document.createElement('div');
  head.className = 'message-head';
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = m.authorName;
  head.append(author);
  if (m.bot) {
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = 'APP';
    head.append(tag);
  }
  const time = document.createElement('time');
  time.textContent = timeOf(m.ts);
  head.append(time);
  if (m.edited) {
    const edited = document.createElement('span');
    edited.className = 'edited';
    edited.textContent = '(edited)';
    head.append(edited);
  }
  li.append(head);
  if (m.ephemeral) {
    const note = document.createElement('div');
    note.className = 'ephemeral-note';
    note.textContent = 'Only visible to you';
    li.append(note);
  }
  const body = document.createElement('div');
  body.className = 'message-body';
  if (Array.isArray(m.blocks) && m.blocks.length > 0)
    body.append(
      renderBlocks(document, m.blocks, {
        names: state.names,
        onAction: (action, control) => onAction(m, action, control),
      }),
    );
  else body.append(renderMrkdwn(document, m.text, state.names));
  li.append(body);
  const replies = inThread ? [] : repliesOf(m.ts);
  if (replies.length > 0) {
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'thread-open';
    open.dataset.testid = 'thread-open';
    open.textContent = `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`;
    open.addEventListener('click', () => openThread(m.ts));
    li.append(open);
  }
  return li;
}

const cache = new Map();

/** The element of a message, rebuilt only when the message or its reply count changed (keeps focus). */
function elementFor(m, inThread) {
  const key = `${inThread ? 't' : 'c'}:${m.ts}`;
  const replies = inThread ? 0 : repliesOf(m.ts).length;
  const cached = cache.get(key);
  if (cached && cached.m === m && cached.replies === replies) return cached.el;
  const el = messageElement(m, inThread);
  cache.set(key, { m, replies, el });
  return el;
}

/** Puts `nodes` into `list` in order, moving only what changed. */
function reconcile(list, nodes) {
  nodes.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] ?? null);
  });
  while (list.children.length > nodes.length) list.lastElementChild.remove();
}

function nearBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function renderChannel() {
  const list = $('messages');
  const stick = nearBottom(list) || Date.now() < state.stickUntil;
  const top = [...state.messages.values()].filter((m) => !isReply(m)).sort(byTs);
  reconcile(
    list,
    top.map((m) => elementFor(m, false)),
  );
  if (stick) list.scrollTop = list.scrollHeight;
}

function renderThread() {
  const pane = $('thread-pane');
  const parent = state.openThread ? state.messages.get(state.openThread) : undefined;
  if (!parent) {
    pane.hidden = true;
    return;
  }
  pane.hidden = false;
  const items = [parent, ...repliesOf(parent.ts).sort(byTs)];
  reconcile(
    $('thread-messages'),
    items.map((m) => elementFor(m, true)),
  );
}

function openThread(ts) {
  state.openThread = ts;
  renderThread();
  $('thread-close').focus();
}

function render() {
  renderChannel();
  renderThread();
}

function connect() {
  state.source?.close();
  state.messages.clear();
  cache.clear();
  $('live').textContent = 'connecting…';
  delete document.body.dataset.user;
  const source = new EventSource(`/local/events?user=${encodeURIComponent(state.user)}`);
  state.source = source;
  source.addEventListener('reset', (e) => {
    const data = JSON.parse(e.data);
    state.messages = new Map(data.messages.map((m) => [m.ts, m]));
    state.names = new Map(data.users.map((u) => [u.id, u.name]));
    // with real channel IDs configured, the header says which one this channel is (and stands for)
    const standsFor = data.channel.standsFor ?? [];
    $('channel-name').textContent =
      standsFor.length > 0 ? `# ${data.channel.name} · ${data.channel.id}` : `# ${data.channel.name}`;
    $('channel-name').title = standsFor.length > 0 ? `Stands for ${standsFor.join(', ')}` : '';
    fillPicker(data.users);
    $('live').textContent = 'live';
    // which user the shown messages are for (the stream's reset says so)
    document.body.dataset.user = data.user;
    state.stickUntil = Date.now() + 1000;
    render();
  });
  source.addEventListener('upsert', (e) => {
    const m = JSON.parse(e.data);
    state.messages.set(m.ts, m);
    render();
  });
  source.addEventListener('remove', (e) => {
    const { ts } = JSON.parse(e.data);
    state.messages.delete(ts);
    cache.delete(`c:${ts}`);
    cache.delete(`t:${ts}`);
    render();
  });
  source.addEventListener('error', () => {
    $('live').textContent = 'reconnecting…';
  });
}

function fillPicker(users) {
  const picker = $('user-picker');
  if (picker.options.length === users.length) return;
  picker.replaceChildren(
    ...users.map((u) => {
      const option = document.createElement('option');
      option.value = u.id;
      option.textContent = `${u.realName} (${u.id})`;
      return option;
    }),
  );
  picker.value = state.user;
}

$('user-picker').addEventListener('change', (e) => {
  state.user = e.target.value;
  localStorage.setItem('authbot-local-user', state.user);
  connect();
});

$('composer-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = $('composer');
  const text = input.value.trim();
  if (!text) return;
  try {
    showError('');
    state.stickUntil = Date.now() + 5000;
    await post('/local/command', { text });
    input.value = '';
  } catch (err) {
    showError(`Not sent: ${err.message}`);
  }
});

$('thread-close').addEventListener('click', () => {
  state.openThread = null;
  renderThread();
});

if (!['U0LOCALYOU', 'U0LOCALALICE', 'U0LOCALBOB'].includes(state.user)) state.user = 'U0LOCALYOU';
connect();
