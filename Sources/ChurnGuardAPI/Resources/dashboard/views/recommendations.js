// Recommendations: ROI with its low and high cases and assumptions, the chain of anomalies and
// insights behind each, accept / dismiss. On a service without the recommendations API the
// view says so instead.
import { ApiError, get, post } from '../lib/api.js';
import { announce, badge, h, money, number, percent, severity, tagText, time } from '../lib/dom.js';
import { empty, failure, section, unavailable } from '../lib/states.js';

export async function render(main, { query }) {
  const status = ['open', 'accepted', 'dismissed', ''].includes(query.get('status')) ? query.get('status') : 'open';
  const slot = h('div', { id: 'recommendation-list', class: 'card-list' });
  const filter = h('select', { id: 'rec-status' }, [['open', 'Open'], ['accepted', 'Accepted'], ['dismissed', 'Dismissed'], ['', 'All']]
    .map(([v, text]) => h('option', { value: v, selected: v === status }, text)));
  filter.addEventListener('change', () => { location.hash = `#/recommendations?status=${filter.value}`; });
  main.append(h('h1', { tabindex: -1 }, 'Recommendations'),
    h('div', { class: 'controls' }, h('div', { class: 'field' }, h('label', { for: 'rec-status' }, 'Show'), filter)), slot);
  await section(slot, 'Loading recommendations', async () => {
    try {
      return (await get('/api/v1/recommendations', { status, limit: 50 })).recommendations;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }, (list) => {
    if (list === null) return unavailable('Recommendations are not available on this service.', 'This version of the service has no recommendations API (GET /api/v1/recommendations answers 404).');
    if (list.length === 0) return empty(`No ${status || ''} recommendations.`.replace('  ', ' '), 'Recommendations follow from insights and anomalies.');
    return list.map((r) => card(r));
  });
  return null;
}

function roiTable(roi) {
  const cases = [['Low', roi.low], ['Expected', roi.expected], ['High', roi.high]];
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Return on investment' },
    h('table', { class: 'data-table' },
      h('caption', {}, `Return on investment over ${roi.horizon_days} days (${roi.revenue_metric})`),
      h('thead', {}, h('tr', {}, ['Case', 'Revenue at risk', 'Saved revenue', 'Cost', 'ROI'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, cases.filter(([, c]) => c).map(([name, c]) => h('tr', {},
        h('th', { scope: 'row' }, name), h('td', {}, money(c.revenue_at_risk, roi.currency)), h('td', {}, money(c.saved_revenue, roi.currency)),
        h('td', {}, money(c.cost, roi.currency)), h('td', {}, `${number(c.roi, 3)}×`))))));
}

function card(r) {
  const chainSlot = h('div', { class: 'chain' });
  const chain = h('details', { class: 'chain-details' }, h('summary', {}, 'The chain behind it'), chainSlot);
  chain.addEventListener('toggle', () => {
    if (!chain.open || chainSlot.childElementCount) return;
    section(chainSlot, 'Loading the chain', () => get(`/api/v1/recommendations/${encodeURIComponent(r.id)}`), (full) => [
      h('h4', {}, 'Anomalies'),
      (full.chain?.anomalies ?? []).length ? h('ul', {}, full.chain.anomalies.map((a) => h('li', {}, severity(a.severity), ' ',
        h('a', { href: `#/anomalies?id=${encodeURIComponent(a.id)}` }, `${a.metric_name} ${tagText(a.tags)}`), ' — ', a.explanation))) : h('p', { class: 'muted' }, 'none'),
      h('h4', {}, 'Insights'),
      (full.chain?.insights ?? []).length ? h('ul', {}, full.chain.insights.map((i) => h('li', {},
        h('a', { href: `#/insights?id=${encodeURIComponent(i.id)}` }, i.title), ' — ', i.narrative))) : h('p', { class: 'muted' }, 'none'),
    ]);
  });
  const note = h('input', { id: `accept-note-${r.id}`, maxlength: 500, autocomplete: 'off' });
  const reason = h('input', { id: `dismiss-reason-${r.id}`, maxlength: 500, autocomplete: 'off', required: true });
  const article = h('article', { class: 'card recommendation', 'data-recommendation': r.id, 'data-status': r.status, 'aria-labelledby': `rec-${r.id}` },
    h('h2', { id: `rec-${r.id}` }, r.title),
    h('p', {}, badge(r.status), ' ', h('span', { class: 'badge' }, r.category.replaceAll('_', ' ')), ' ',
      `${number(r.affected_customers, 6)} customers · confidence ${percent(r.confidence)} · expected value ${money(r.expected_value, r.roi?.currency)}`),
    h('p', {}, r.description),
    r.roi ? [roiTable(r.roi), h('details', {}, h('summary', {}, 'Assumptions'), h('ul', {}, r.roi.assumptions.map((a) => h('li', {}, a))))]
      : h('p', { class: 'muted' }, 'No ROI estimate (no revenue metric).'),
    chain,
    r.status === 'accepted' ? h('p', {}, 'Accepted ', time(r.accepted_at), ` for ${number(r.treated_customers?.length ?? 0, 6)} customers.`) : null,
    r.status === 'dismissed' ? h('p', {}, 'Dismissed ', time(r.dismissed_at), r.dismiss_reason ? ` — “${r.dismiss_reason}”` : '') : null,
    r.status === 'open' ? h('div', { class: 'actions' },
      form('accept', r, [h('label', { for: note.id }, 'Note (optional)'), note], 'Accept', () =>
        post(`/api/v1/recommendations/${encodeURIComponent(r.id)}/accept`, note.value.trim() ? { note: note.value.trim() } : {})),
      form('dismiss', r, [h('label', { for: reason.id }, 'Reason for dismissing'), reason], 'Dismiss', () =>
        post(`/api/v1/recommendations/${encodeURIComponent(r.id)}/dismiss`, { reason: reason.value.trim() })))
      : null);
  return article;
}

function form(kind, r, fields, label, send) {
  const element = h('form', { class: 'inline-form', 'data-action': kind, 'aria-label': `${label} ${r.title}` }, fields,
    h('button', { type: 'submit', class: kind === 'accept' ? 'button primary' : 'button' }, label));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = element.querySelector('button');
    button.disabled = true;
    try {
      const updated = await send();
      const card = element.closest('article');
      card.replaceWith(cardAgain(updated));
      announce(`Recommendation ${updated.status}`);
    } catch (error) {
      element.append(failure(error));
      button.disabled = false;
    }
  });
  return element;
}

const cardAgain = (r) => card(r);
