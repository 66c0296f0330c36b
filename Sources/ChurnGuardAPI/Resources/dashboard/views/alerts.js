// Alerts: firing and resolved, one alert's history, acknowledge with a comment, snooze.
import { get, post } from '../lib/api.js';
import { announce, badge, h, number, severity, table, tagText, time } from '../lib/dom.js';
import { empty, failure, section } from '../lib/states.js';

const STATES = [['firing', 'Firing'], ['pending', 'Pending'], ['resolved', 'Resolved'], ['', 'All']];
const SNOOZES = [['1', '1 hour'], ['4', '4 hours'], ['24', '1 day'], ['168', '7 days']];

export async function render(main, { rest, query }) {
  const state = STATES.some(([s]) => s === query.get('state')) ? query.get('state') : 'firing';
  // `#/alerts/ID` is the link notifications carry (notifications.dashboard_url ending in `/#`).
  const selected = query.get('id') ?? rest[0] ?? null;
  const listSlot = h('div', { id: 'alert-list' });
  const detailSlot = h('div', { id: 'alert-detail' });
  const filter = h('select', { id: 'alert-state', name: 'state' }, STATES.map(([s, label]) => h('option', { value: s, selected: s === state }, label)));
  filter.addEventListener('change', () => { location.hash = `#/alerts?state=${filter.value}`; });
  main.append(
    h('h1', { tabindex: -1 }, 'Alerts'),
    h('div', { class: 'controls' }, h('div', { class: 'field' }, h('label', { for: 'alert-state' }, 'Show'), filter)),
    h('div', { class: 'split' }, listSlot, detailSlot));
  const loadList = () => section(listSlot, 'Loading alerts', () => get('/api/v1/analytics/alerts', { state, limit: 200 }), ({ alerts }) => {
    if (alerts.length === 0) return empty(state ? `No ${state} alerts.` : 'No alerts yet.', 'Alerts are raised by the alert rules (see Alert rules).');
    return table(`${STATES.find(([s]) => s === state)[1]} alerts, most recently changed first`,
      ['Severity', 'Alert', 'Series', 'State', 'Value', 'Changed'],
      alerts.map((a) => [
        severity(a.severity),
        h('a', { href: `#/alerts?state=${state}&id=${encodeURIComponent(a.id)}`, 'data-alert': a.id, 'aria-current': a.id === selected ? 'true' : false },
          `${a.metric_name} ${a.condition} ${number(a.threshold)}`),
        a.customer_id ?? tagText(a.tags),
        h('span', {}, badge(a.state), a.acknowledged_at ? [' ', badge('acknowledged')] : null),
        number(a.value),
        time(a.updated_at),
      ]));
  });
  const list = loadList();
  if (selected) await showDetail(detailSlot, selected, loadList);
  else detailSlot.append(empty('Select an alert', 'Its history and the acknowledge and snooze actions appear here.'));
  await list;
  return null;
}

async function showDetail(slot, id, changed) {
  await section(slot, 'Loading the alert', () => get(`/api/v1/analytics/alerts/${encodeURIComponent(id)}`), (alert) => detail(slot, alert, changed));
}

/** One alert; `changed()` refreshes the list after an acknowledgement or a snooze. */
function detail(slot, alert, changed) {
  const ackComment = h('textarea', { id: 'ack-comment', name: 'comment', rows: 2, maxlength: 2000 });
  const ackForm = h('form', { class: 'inline-form', id: 'ack-form', 'aria-label': 'Acknowledge' },
    h('label', { for: 'ack-comment' }, 'Comment (optional)'), ackComment,
    h('button', { type: 'submit', class: 'button primary' }, alert.acknowledged_at ? 'Acknowledge again' : 'Acknowledge'));
  const snoozeFor = h('select', { id: 'snooze-for', name: 'for' }, SNOOZES.map(([v, text]) => h('option', { value: v }, text)));
  const snoozeComment = h('input', { id: 'snooze-comment', name: 'comment', maxlength: 2000, autocomplete: 'off' });
  const snoozeForm = h('form', { class: 'inline-form', id: 'snooze-form', 'aria-label': 'Snooze' },
    h('label', { for: 'snooze-for' }, 'Snooze for'), snoozeFor,
    h('label', { for: 'snooze-comment' }, 'Comment (optional)'), snoozeComment,
    h('button', { type: 'submit', class: 'button' }, 'Snooze'));
  const act = (form, send) => form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const updated = await send();
      slot.replaceChildren(detail(slot, updated, changed));
      changed();
      announce(form === ackForm ? 'Alert acknowledged' : 'Alert snoozed');
      slot.querySelector('h2')?.focus();
    } catch (error) {
      form.append(failure(error));
      button.disabled = false;
    }
  });
  act(ackForm, () => post(`/api/v1/analytics/alerts/${encodeURIComponent(alert.id)}/ack`, ackComment.value.trim() ? { comment: ackComment.value.trim() } : {}));
  act(snoozeForm, () => {
    const until = new Date(Date.now() + Number(snoozeFor.value) * 3_600_000).toISOString();
    return post(`/api/v1/analytics/alerts/${encodeURIComponent(alert.id)}/snooze`, { until, ...(snoozeComment.value.trim() ? { comment: snoozeComment.value.trim() } : {}) });
  });
  const facts = [
    ['State', badge(alert.state)], ['Severity', severity(alert.severity)],
    ['Rule', alert.rule_id], ['Series', tagText(alert.tags)],
    ['Condition', `${alert.condition} ${number(alert.threshold)}`], ['Last value', number(alert.value)],
    ['Started', time(alert.started_at)], ['Fired', time(alert.fired_at)], ['Resolved', time(alert.resolved_at)],
    ['Acknowledged', alert.acknowledged_at ? h('span', { id: 'ack-state' }, time(alert.acknowledged_at), alert.acknowledge_comment ? ` — “${alert.acknowledge_comment}”` : '') : 'no'],
    ['Snoozed until', time(alert.snoozed_until)],
  ];
  return h('article', { class: 'card detail', 'data-alert-detail': alert.id, 'aria-labelledby': 'alert-title' },
    h('h2', { id: 'alert-title', tabindex: -1 }, `${alert.metric_name} ${alert.condition} ${number(alert.threshold)}`),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('p', {}, h('a', { href: `#/metric/${encodeURIComponent(alert.metric_name)}${alert.customer_id ? `?res=raw&range=7d&customer_id=${encodeURIComponent(alert.customer_id)}` : ''}` }, 'Show the metric')),
    h('h3', {}, 'Acknowledge'), ackForm,
    h('h3', {}, 'Snooze'), snoozeForm,
    h('h3', {}, 'History'),
    (alert.history ?? []).length === 0 ? empty('No history.') : h('ol', { class: 'history', id: 'alert-history' }, alert.history.map((entry) => h('li', {},
      time(entry.at), ' ', badge(entry.event),
      entry.value !== undefined ? ` value ${number(entry.value)}` : '',
      entry.until ? [' until ', time(entry.until)] : '',
      entry.comment ? ` — “${entry.comment}”` : ''))));
}
