// The designed states of every view: loading, empty, error (with retry), not available.
import { h } from './dom.js';

/** A loading placeholder announced politely. */
export function loading(what = 'Loading') {
  return h('div', { class: 'state state-loading', role: 'status', 'aria-live': 'polite', 'data-state': 'loading' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), `${what}…`);
}

/** An empty state: what is missing and what to do about it. */
export function empty(title, hint) {
  return h('div', { class: 'state state-empty', 'data-state': 'empty' },
    h('p', { class: 'state-title' }, title), hint ? h('p', { class: 'hint' }, hint) : null);
}

/** An error state naming the API's message and code, with a retry button. */
export function failure(error, retry) {
  return h('div', { class: 'state state-error', role: 'alert', 'data-state': 'error' },
    h('p', { class: 'state-title' }, 'This could not be loaded.'),
    h('p', {}, error?.message ?? String(error), error?.code ? h('code', {}, ` (${error.code})`) : null),
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Retry') : null);
}

/** A feature this service does not offer (its route answers 404). */
export function unavailable(title, hint) {
  return h('div', { class: 'state state-unavailable', 'data-state': 'unavailable' },
    h('p', { class: 'state-title' }, title), h('p', { class: 'hint' }, hint));
}

/**
 * Fills `slot` with a loading state, then with `render(await load())`; on failure an error
 * state whose retry runs it again. Returns the loaded value (or undefined after an error).
 */
export async function section(slot, what, load, render) {
  slot.replaceChildren(loading(what));
  slot.setAttribute('aria-busy', 'true');
  try {
    const value = await load();
    slot.replaceChildren(...[render(value)].flat().filter(Boolean));
    return value;
  } catch (error) {
    slot.replaceChildren(failure(error, () => section(slot, what, load, render)));
    return undefined;
  } finally {
    slot.removeAttribute('aria-busy');
  }
}
