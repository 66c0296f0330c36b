// Building elements without HTML strings (so no data can become markup), and formatting.

/**
 * An element: `h('a', {href: '#/x', class: 'link'}, 'text', child)`. Attributes named `on…`
 * are listeners; `false`/null attributes and children are skipped.
 */
export function h(name, attributes = {}, ...children) {
  const element = document.createElement(name);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** The browser's time zone, e.g. `Europe/Berlin`. */
export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An RFC 3339 time as a `<time>` element in the browser's zone. */
export function time(text, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (!text) return h('span', { class: 'muted' }, '—');
  const date = new Date(text);
  return h('time', { datetime: date.toISOString() }, date.toLocaleString(undefined, options));
}

/** A number with up to `digits` significant digits, grouped. */
export function number(value, digits = 4) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return '—';
  return Number(value).toLocaleString(undefined, { maximumSignificantDigits: digits });
}

/** Money in `currency` (USD by default), whole units. */
export function money(value, currency = 'USD') {
  if (!Number.isFinite(Number(value))) return '—';
  return Number(value).toLocaleString(undefined, { style: 'currency', currency, maximumFractionDigits: 0 });
}

/** A fraction as a percentage. */
export function percent(value, digits = 0) {
  if (!Number.isFinite(Number(value))) return '—';
  return `${(Number(value) * 100).toFixed(digits)} %`;
}

/** `{segment: 'smb', plan: 'growth'}` as `segment=smb, plan=growth`. */
export function tagText(tags) {
  const entries = Object.entries(tags ?? {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'all series';
}

/** A severity badge (text, not colour alone). */
export function severity(level) {
  return h('span', { class: `badge severity-${level}` }, level ?? 'unknown');
}

/** A state badge (firing, resolved, open, …). */
export function badge(text, kind = text) {
  return h('span', { class: `badge state-${kind}` }, text.replaceAll('_', ' '));
}

/** Says `message` to screen readers through the page's live region. */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = message; }, 30);
}

/** A table inside a scrollable, focusable region (usable on a phone). */
export function table(caption, columns, rows, { rowAttributes } = {}) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', { class: 'data-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((cells, i) => h('tr', rowAttributes?.(i) ?? {}, cells.map((c) => h('td', {}, c)))))));
}
