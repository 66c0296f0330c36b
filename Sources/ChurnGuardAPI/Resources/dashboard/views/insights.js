// Insights: each narrative with its evidence and confidence; segment contributions as bars.
import { get } from '../lib/api.js';
import { h, money, number, percent, severity, time } from '../lib/dom.js';
import { empty, section } from '../lib/states.js';

export async function render(main, { query }) {
  const selected = query.get('id');
  const slot = h('div', { id: 'insight-list', class: 'card-list' });
  main.append(h('h1', { tabindex: -1 }, 'Insights'),
    h('p', { class: 'muted' }, 'What changed, who drives it, how sure we are and what it may cost; refreshed every 15 minutes.'), slot);
  await section(slot, 'Loading insights', () => get('/api/v1/insights', { limit: 50 }), ({ insights }) => {
    if (insights.length === 0) return empty('No insights yet.', 'Insights need at least two weeks of data; the worker generates them every 15 minutes.');
    return insights.map((insight) => card(insight, insight.id === selected));
  });
  if (selected) document.getElementById(`insight-${selected}`)?.scrollIntoView({ block: 'start' });
  return null;
}

function card(insight, selected) {
  const e = insight.evidence ?? {};
  return h('article', { class: `card insight${selected ? ' selected' : ''}`, id: `insight-${insight.id}`, 'data-insight': insight.id, 'aria-labelledby': `title-${insight.id}` },
    h('h2', { id: `title-${insight.id}` }, insight.title),
    h('p', {}, severity(insight.severity), ' ', h('span', { class: 'badge' }, insight.type.replaceAll('_', ' ')),
      insight.segment ? [' ', h('span', { class: 'badge' }, `${insight.segment.dimension}=${insight.segment.value}`)] : null),
    h('p', { class: 'narrative' }, insight.narrative),
    h('div', { class: 'confidence' },
      h('label', { for: `conf-${insight.id}` }, `Confidence ${percent(insight.confidence)}`),
      h('meter', { id: `conf-${insight.id}`, min: 0, max: 1, low: 0.5, high: 0.8, optimum: 1, value: insight.confidence })),
    insight.type === 'segment_contribution' && Number.isFinite(e.share_of_change) ? contribution(insight, e) : null,
    insight.revenue_impact !== null && insight.revenue_impact !== undefined ? h('p', {}, `Monthly recurring revenue concerned: ${money(insight.revenue_impact)}`) : null,
    h('details', {}, h('summary', {}, 'Evidence'),
      h('dl', { class: 'facts' }, Object.entries(e).map(([k, v]) => [h('dt', {}, k.replaceAll('_', ' ')), h('dd', {}, evidenceValue(v))]))),
    h('p', { class: 'muted' }, 'First seen ', time(insight.created_at), ', last seen ', time(insight.last_seen), ' · ',
      h('a', { href: `#/metric/${encodeURIComponent(insight.metric_name)}` }, `Show ${insight.metric_name}`)));
}

/** The driving segment's share of the change beside its share of the baseline, as bars. */
function contribution(insight, e) {
  const label = insight.segment ? `${insight.segment.dimension}=${insight.segment.value}` : (e.value ?? 'segment');
  const rows = [['Share of the change', e.share_of_change], ['Share of the baseline', e.share_of_baseline]];
  return h('figure', { class: 'contribution' },
    h('figcaption', {}, `Segment contribution of ${label}`),
    h('ul', { class: 'bars' }, rows.map(([name, value]) => h('li', {},
      h('span', { class: 'bar-label' }, name),
      h('meter', { min: 0, max: 1, value: Math.min(1, Math.max(0, value)), 'aria-label': `${name} of ${label}` }),
      h('span', { class: 'bar-value' }, percent(value, 1))))));
}

function evidenceValue(v) {
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'number') return number(v, 4);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
