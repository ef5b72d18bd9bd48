// Small DOM helpers: the page builds its dynamic parts with these instead of HTML strings,
// so nothing the server sends (file names, messages) is ever parsed as markup.

/** Creates an element: h('a', {class: 'x', href: '/'}, 'text', child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** The element with this id; fails loudly so a renamed id in index.html is found at once. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no element #${id}`);
  return el;
}

/** Enables or disables a link that has no target yet, keeping its place in the layout. */
export function setLink(a, href, download) {
  if (href) {
    a.href = href;
    a.removeAttribute('aria-disabled');
    if (download !== undefined) a.download = download;
  } else {
    a.removeAttribute('href');
    a.setAttribute('aria-disabled', 'true');
  }
}
