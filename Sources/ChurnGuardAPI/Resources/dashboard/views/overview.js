// Overview: every metric with a sparkline, firing alerts, the newest anomalies, the top
// insights and the top recommendations with their ROI.
import { createChart } from '../chart/chart.js';
import { ApiError, get, metricNames } from '../lib/api.js';
import { h, money, number, percent, severity, tagText, time } from '../lib/dom.js';
import { empty, loading, section, unavailable } from '../lib/states.js';

const DAY = 86_400_000;

export async function render(main) {
  const slots = {
    metrics: h('div', { class: 'metric-grid', id: 'overview-metrics' }),
    alerts: h('div', { id: 'overview-alerts' }),
    anomalies: h('div', { id: 'overview-anomalies' }),
    insights: h('div', { id: 'overview-insights' }),
    recommendations: h('div', { id: 'overview-recommendations' }),
  };
  main.append(
    h('h1', { tabindex: -1 }, 'Overview'),
    h('section', { 'aria-labelledby': 'metrics-heading' }, h('h2', { id: 'metrics-heading' }, 'Metrics, last 30 days'), slots.metrics),
    h('div', { class: 'columns' },
      h('section', { class: 'card', 'aria-labelledby': 'alerts-heading' }, h('h2', { id: 'alerts-heading' }, 'Firing alerts'), slots.alerts),
      h('section', { class: 'card', 'aria-labelledby': 'anomalies-heading' }, h('h2', { id: 'anomalies-heading' }, 'Newest anomalies'), slots.anomalies)),
    h('div', { class: 'columns' },
      h('section', { class: 'card', 'aria-labelledby': 'insights-heading' }, h('h2', { id: 'insights-heading' }, 'Top insights'), slots.insights),
      h('section', { class: 'card', 'aria-labelledby': 'recommendations-heading' }, h('h2', { id: 'recommendations-heading' }, 'Top recommendations'), slots.recommendations)));

  const charts = [];
  await Promise.all([
    section(slots.metrics, 'Loading metrics', () => metricNames(true), (metrics) => {
      if (metrics.length === 0) return empty('No metrics yet.', 'Send points to POST /api/v1/analytics/metrics and they appear here.');
      return metrics.map((metric) => metricCard(metric, charts));
    }),
    section(slots.alerts, 'Loading alerts', () => get('/api/v1/analytics/alerts', { state: 'firing', limit: 5 }), ({ alerts }) =>
      alerts.length === 0 ? empty('Nothing is firing.', 'Alerts appear when a rule’s threshold is crossed.')
        : h('ul', { class: 'item-list' }, alerts.map((a) => h('li', {},
          severity(a.severity), ' ', h('a', { href: `#/alerts?id=${encodeURIComponent(a.id)}` }, `${a.metric_name} ${a.condition} ${number(a.threshold)}`),
          h('span', { class: 'muted' }, ` — ${a.customer_id ?? tagText(a.tags)}, value ${number(a.value)}, since `), time(a.fired_at ?? a.started_at))))),
    section(slots.anomalies, 'Loading anomalies', () => get('/api/v1/analytics/anomalies', { limit: 5 }), ({ anomalies }) =>
      anomalies.length === 0 ? empty('No anomalies found.', 'The anomaly monitor checks every series each minute.')
        : h('ul', { class: 'item-list' }, anomalies.map((a) => h('li', {},
          severity(a.severity), ' ', h('a', { href: `#/anomalies?id=${encodeURIComponent(a.id)}` }, a.metric_name),
          h('span', { class: 'muted' }, ` ${tagText(a.tags)} — peak ${number(a.peak_value)} at `), time(a.peak_at))))),
    section(slots.insights, 'Loading insights', () => get('/api/v1/insights', { limit: 3 }), ({ insights }) =>
      insights.length === 0 ? empty('No insights yet.', 'Insights are generated every 15 minutes from at least two weeks of data.')
        : h('ul', { class: 'item-list' }, insights.map((i) => h('li', {},
          severity(i.severity), ' ', h('a', { href: `#/insights?id=${encodeURIComponent(i.id)}` }, i.title),
          h('span', { class: 'muted' }, ` — confidence ${percent(i.confidence)}`))))),
    section(slots.recommendations, 'Loading recommendations', loadRecommendations, (result) => {
      if (result === null) return unavailable('Recommendations are not available on this service.', 'This version of the service has no recommendations API.');
      if (result.length === 0) return empty('No open recommendations.', 'Recommendations follow from insights and anomalies.');
      return h('ul', { class: 'item-list' }, result.map((r) => h('li', {},
        h('a', { href: `#/recommendations?id=${encodeURIComponent(r.id)}` }, r.title),
        h('span', { class: 'muted' }, r.roi ? ` — ROI ${number(r.roi.expected.roi, 3)}× (${money(r.roi.expected.saved_revenue, r.roi.currency)} saved)` : ` — expected value ${money(r.expected_value)}`))));
    }),
  ]);
  return () => charts.forEach((c) => c.destroy());
}

/** The open recommendations, or null when the service has no recommendations route. */
export async function loadRecommendations(limit = 3) {
  try {
    return (await get('/api/v1/recommendations', { status: 'open', limit })).recommendations;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function metricCard(metric, charts) {
  const chartSlot = h('div', { class: 'sparkline' }, loading('Loading the sparkline'));
  const last = h('span', { class: 'metric-last' }, '');
  const card = h('a', { class: 'card metric-card', href: `#/metric/${encodeURIComponent(metric.metric_name)}`, 'data-metric': metric.metric_name },
    h('span', { class: 'metric-name' }, metric.metric_name),
    h('span', { class: 'muted' }, `${number(metric.points, 6)} points · last `, time(metric.last_timestamp)),
    chartSlot, last);
  const to = Date.parse(metric.last_timestamp) + 1000;
  get(`/api/v1/analytics/metrics/${encodeURIComponent(metric.metric_name)}/aggregates`,
    { resolution: 'day', from: new Date(to - 30 * DAY).toISOString(), to: new Date(to).toISOString() })
    .then(({ buckets }) => {
      const points = buckets.map((b) => ({ t: Date.parse(b.bucket), v: b.avg }));
      if (points.length === 0) { chartSlot.replaceChildren(h('span', { class: 'muted' }, 'no daily rollups yet')); return; }
      chartSlot.replaceChildren();
      charts.push(createChart(chartSlot, { compact: true, height: 48, title: `${metric.metric_name}, daily average`, series: [{ id: 'avg', label: 'daily average', points }] }));
      last.textContent = `latest daily average ${number(points[points.length - 1].v)}`;
    })
    .catch((error) => { chartSlot.replaceChildren(h('span', { class: 'muted' }, `sparkline unavailable: ${error.message}`)); });
  return card;
}
