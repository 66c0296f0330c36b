// Anomalies: the stored list (filters), one anomaly with its methods' scores and a chart of
// its series around it, and the feedback buttons (true / false positive, expected, new normal).
import { createChart } from '../chart/chart.js';
import { get, post } from '../lib/api.js';
import { announce, badge, h, number, severity, table, tagText, time } from '../lib/dom.js';
import { empty, failure, section } from '../lib/states.js';
import { marker } from './metric.js';

const FEEDBACK = [['true_positive', 'True positive'], ['false_positive', 'False positive'], ['expected', 'Expected'], ['new_normal', 'New normal']];
const SEVERITIES = ['', 'low', 'medium', 'high', 'critical'];
const STATUSES = ['', 'open', 'true_positive', 'false_positive', 'expected', 'new_normal'];

export async function render(main, { query }) {
  const filters = { metric: query.get('metric') ?? '', severity: query.get('severity') ?? '', status: query.get('status') ?? '' };
  const selected = query.get('id');
  const listSlot = h('div', { id: 'anomaly-list' });
  const detailSlot = h('div', { id: 'anomaly-detail' });
  const charts = [];
  const form = h('form', { class: 'controls', 'aria-label': 'Anomaly filters' },
    h('div', { class: 'field' }, h('label', { for: 'an-metric' }, 'Metric'), h('input', { id: 'an-metric', name: 'metric', value: filters.metric, autocomplete: 'off' })),
    h('div', { class: 'field' }, h('label', { for: 'an-severity' }, 'Severity'),
      h('select', { id: 'an-severity', name: 'severity' }, SEVERITIES.map((s) => h('option', { value: s, selected: s === filters.severity }, s || 'any')))),
    h('div', { class: 'field' }, h('label', { for: 'an-status' }, 'Status'),
      h('select', { id: 'an-status', name: 'status' }, STATUSES.map((s) => h('option', { value: s, selected: s === filters.status }, s ? s.replaceAll('_', ' ') : 'any')))),
    h('div', { class: 'field field-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const q = new URLSearchParams([...data.entries()].filter(([, v]) => String(v).trim()));
    location.hash = `#/anomalies?${q}`;
  });
  main.append(h('h1', { tabindex: -1 }, 'Anomalies'), form, h('div', { class: 'split' }, listSlot, detailSlot));
  const keep = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
  const loadList = () => section(listSlot, 'Loading anomalies', () => get('/api/v1/analytics/anomalies', { ...filters, limit: 100 }), (result) => {
    const summary = result.feedback ? h('p', { class: 'muted', id: 'feedback-summary' },
      `Feedback so far: ${result.feedback.true_positive} true, ${result.feedback.false_positive} false positives, ${result.feedback.expected} expected, ${result.feedback.new_normal} new normal, ${result.feedback.open} open`,
      result.feedback.precision !== undefined ? ` — precision ${number(result.feedback.precision * 100, 3)} %` : '') : null;
    if (result.anomalies.length === 0) return [summary, empty('No anomalies match.', 'The anomaly monitor stores what it finds every minute.')];
    return [summary, table('Anomalies, latest start first', ['Severity', 'Metric', 'Series', 'Peak', 'Score', 'Status'],
      result.anomalies.map((a) => {
        keep.set('id', a.id);
        return [
          severity(a.severity),
          h('a', { href: `#/anomalies?${keep}`, 'data-anomaly': a.id }, a.metric_name),
          tagText(a.tags),
          h('span', {}, number(a.peak_value), ' at ', time(a.peak_at)),
          number(a.score, 3),
          badge(a.status),
        ];
      }))];
  });
  const list = loadList();
  if (selected) {
    await section(detailSlot, 'Loading the anomaly', () => get(`/api/v1/analytics/anomalies/${encodeURIComponent(selected)}`), (a) => detail(detailSlot, a, charts, loadList));
  } else {
    detailSlot.append(empty('Select an anomaly', 'Its explanation, every method’s score and the feedback buttons appear here.'));
  }
  await list;
  return () => charts.forEach((c) => c.destroy());
}

/** One anomaly; `changed()` refreshes the list after feedback. */
function detail(slot, anomaly, charts, changed) {
  const comment = h('input', { id: 'feedback-comment', name: 'comment', maxlength: 2000, autocomplete: 'off' });
  const buttons = FEEDBACK.map(([value, label]) => h('button', {
    type: 'button', class: 'button', 'data-feedback': value, 'aria-pressed': String(anomaly.status === value),
    onclick: async (event) => {
      event.currentTarget.disabled = true;
      try {
        const result = await post(`/api/v1/analytics/anomalies/${encodeURIComponent(anomaly.id)}/feedback`,
          { feedback: value, ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) });
        slot.replaceChildren(detail(slot, result.anomaly, charts, changed));
        changed();
        announce(`Marked as ${label.toLowerCase()}`);
        slot.querySelector('h2')?.focus();
      } catch (error) {
        slot.append(failure(error));
      }
    },
  }, label));
  const chartSlot = h('div', { class: 'chart-slot' });
  const article = h('article', { class: 'card detail', 'data-anomaly-detail': anomaly.id, 'aria-labelledby': 'anomaly-title' },
    h('h2', { id: 'anomaly-title', tabindex: -1 }, `${anomaly.metric_name}: ${tagText(anomaly.tags)}`),
    h('p', {}, severity(anomaly.severity), ' ', badge(anomaly.status), ' ', anomaly.explanation),
    h('dl', { class: 'facts' }, [
      ['Started', time(anomaly.started_at)], ['Ended', time(anomaly.ended_at)], ['Peak', [number(anomaly.peak_value), ' at ', time(anomaly.peak_at)]],
      ['Expected', `${number(anomaly.expected_value)} (range ${number(anomaly.expected_range?.[0])} to ${number(anomaly.expected_range?.[1])})`],
      ['Ensemble score', number(anomaly.score, 3)], ['Anomalous points', anomaly.anomalous_points],
      ['Feedback', anomaly.feedback_at ? [time(anomaly.feedback_at), anomaly.feedback_comment ? ` — “${anomaly.feedback_comment}”` : ''] : 'none yet'],
    ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('h3', {}, 'Methods'),
    h('ul', { class: 'bars', 'aria-label': 'Score of each method' }, (anomaly.methods ?? []).map((m) => h('li', {},
      h('span', { class: 'bar-label' }, `${m.method}${m.vote ? ' (voted)' : ''}`),
      h('meter', { min: 0, max: 1, value: Math.min(1, Math.max(0, m.score)), 'aria-label': `${m.method} score` }),
      h('span', { class: 'bar-value' }, number(m.score, 3))))),
    h('h3', {}, 'The series around it'), chartSlot,
    h('h3', {}, 'Was this a real anomaly?'),
    h('div', { class: 'field' }, h('label', { for: 'feedback-comment' }, 'Comment (optional)'), comment),
    h('div', { class: 'button-row', role: 'group', 'aria-label': 'Feedback' }, buttons));
  seriesChart(chartSlot, anomaly, charts);
  return article;
}

async function seriesChart(slot, anomaly, charts) {
  const from = Date.parse(anomaly.started_at) - 2 * 86_400_000;
  const to = Math.min(Date.now() + 3_600_000, Date.parse(anomaly.ended_at) + 86_400_000);
  const query = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: 5000 };
  for (const [k, v] of Object.entries(anomaly.tags ?? {})) query[`tag.${k}`] = v;
  try {
    const { points } = await get(`/api/v1/analytics/metrics/${encodeURIComponent(anomaly.metric_name)}/points`, query);
    if (points.length === 0) { slot.replaceChildren(empty('The raw points of this period are no longer stored.', 'Raw points older than the retention period are deleted.')); return; }
    charts.push(createChart(slot, {
      title: `${anomaly.metric_name} ${tagText(anomaly.tags)} around the anomaly`, height: 220,
      series: [{ id: 'raw', label: 'raw points', points: points.map((p) => ({ t: Date.parse(p.timestamp), v: p.value })) }],
      ranges: [{ t0: Date.parse(anomaly.started_at), t1: Date.parse(anomaly.ended_at) }],
      markers: [marker(anomaly)],
    }));
  } catch (error) {
    slot.replaceChildren(failure(error));
  }
}
