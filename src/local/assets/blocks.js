// Block Kit for the local page: header, section (text, fields, accessory), context, divider, actions,
// image, buttons (with style and confirm) and static selects. Unknown blocks and elements are shown as
// such, never dropped. All text goes through textContent or renderMrkdwn: no message HTML reaches the DOM.
import { renderMrkdwn } from './mrkdwn.js';

function el(doc, tag, className, text) {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A text object: mrkdwn rendered, plain_text as is. */
export function textObject(doc, obj, ctx, tag = 'div') {
  const node = el(doc, tag, 'text');
  if (!obj || typeof obj.text !== 'string') return node;
  if (obj.type === 'mrkdwn') node.append(renderMrkdwn(doc, obj.text, ctx.names));
  else node.textContent = obj.text;
  return node;
}

function unknown(doc, what, type) {
  return el(doc, 'div', 'unknown', `Unsupported ${what} type: ${String(type)}`);
}

function button(doc, element, blockId, ctx) {
  const b = el(doc, 'button', `btn${element.style ? ` btn-${element.style}` : ''}`, element.text?.text ?? '');
  b.type = 'button';
  b.addEventListener('click', () => {
    const c = element.confirm;
    if (c && !globalThis.confirm(`${c.title?.text ?? ''}\n\n${c.text?.text ?? ''}`.trim())) return;
    if (typeof element.url === 'string' && /^https?:\/\//i.test(element.url))
      globalThis.open(element.url, '_blank', 'noopener');
    ctx.onAction({ blockId, actionId: element.action_id }, b);
  });
  return b;
}

function staticSelect(doc, element, blockId, ctx) {
  const select = el(doc, 'select', 'select');
  const placeholder = el(doc, 'option', undefined, element.placeholder?.text ?? 'Select an option');
  placeholder.value = '';
  placeholder.disabled = true;
  placeholder.selected = true;
  select.append(placeholder);
  select.setAttribute('aria-label', element.placeholder?.text ?? 'Select an option');
  const option = (o) => {
    const node = el(doc, 'option', undefined, o.text?.text ?? '');
    node.value = String(o.value ?? '');
    return node;
  };
  for (const o of element.options ?? []) select.append(option(o));
  for (const g of element.option_groups ?? []) {
    const group = el(doc, 'optgroup');
    group.label = g.label?.text ?? '';
    for (const o of g.options ?? []) group.append(option(o));
    select.append(group);
  }
  select.addEventListener('change', () =>
    ctx.onAction({ blockId, actionId: element.action_id, selectedValue: select.value }, select),
  );
  return select;
}

export function renderElement(doc, element, blockId, ctx) {
  switch (element?.type) {
    case 'button':
      return button(doc, element, blockId, ctx);
    case 'static_select':
      return staticSelect(doc, element, blockId, ctx);
    case 'mrkdwn':
    case 'plain_text':
      return textObject(doc, element, ctx, 'span');
    case 'image':
      return el(doc, 'span', 'image-alt', `[image: ${element.alt_text ?? ''}]`);
    default:
      return unknown(doc, 'element', element?.type);
  }
}

const BLOCKS = {
  header: (doc, block, ctx) => {
    const h = textObject(doc, block.text, ctx, 'h3');
    h.className = 'block-header';
    return h;
  },
  divider: (doc) => el(doc, 'hr', 'block-divider'),
  section: (doc, block, ctx) => {
    const section = el(doc, 'div', 'block-section');
    const body = el(doc, 'div', 'section-body');
    if (block.text) body.append(textObject(doc, block.text, ctx));
    if (Array.isArray(block.fields)) {
      const fields = el(doc, 'div', 'section-fields');
      for (const f of block.fields) fields.append(textObject(doc, f, ctx));
      body.append(fields);
    }
    section.append(body);
    if (block.accessory) {
      const accessory = el(doc, 'div', 'section-accessory');
      accessory.append(renderElement(doc, block.accessory, block.block_id, ctx));
      section.append(accessory);
    }
    return section;
  },
  context: (doc, block, ctx) => {
    const context = el(doc, 'div', 'block-context');
    for (const e of block.elements ?? []) context.append(renderElement(doc, e, block.block_id, ctx));
    return context;
  },
  actions: (doc, block, ctx) => {
    const actions = el(doc, 'div', 'block-actions');
    for (const e of block.elements ?? []) actions.append(renderElement(doc, e, block.block_id, ctx));
    return actions;
  },
  image: (doc, block) =>
    el(doc, 'div', 'block-image', `[image: ${block.title?.text ?? block.alt_text ?? ''}]`),
};

/** Renders a message's blocks; ctx = { names: Map<userId, name>, onAction({blockId, actionId, selectedValue}, control) }. */
export function renderBlocks(doc, blocks, ctx) {
  const container = el(doc, 'div', 'blocks');
  for (const block of blocks) {
    const render = Object.hasOwn(BLOCKS, block?.type) ? BLOCKS[block.type] : undefined;
    const node = render ? render(doc, block, ctx) : unknown(doc, 'block', block?.type);
    node.dataset.blockType = String(block?.type);
    container.append(node);
  }
  return container;
}
