// One metric: a time-series chart switching raw / hourly / daily, tag filters (segment, plan,
// customer), the stored anomalies marked on it (hover or focus shows each method's score and
// the explanation), the alert rules' thresholds as lines, and live points over the WebSocket.
import { createChart } from '../chart/chart.js';
import { get } from '../lib/api.js';
import { h, number, tagText } from '../lib/dom.js';
import { empty, failure, loading } from '../lib/states.js';
import { openStream } from '../lib/stream.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RANGES = { '1d': DAY, '3d': 3 * DAY, '7d': 7 * DAY, '14d': 14 * DAY, '30d': 30 * DAY, '45d': 45 * DAY };
const FILTERS = [['segment', 'Segment', 'e.g. smb'], ['plan', 'Plan', 'e.g. growth'], ['customer_id', 'Customer', 'e.g. cust_0001']];
const MAX_RAW_POINTS = 30_000;
const MAX_SERIES_LINES = 8;

export async function render(main, { rest, query }) {
  const name = rest[0] ?? '';
  const settings = {
    resolution: ['raw', 'hour', 'day'].includes(query.get('res')) ? query.get('res') : 'hour',
    range: RANGES[query.get('range')] ? query.get('range') : '14d',
    tags: Object.fromEntries(FILTERS.map(([key]) => [key, query.get(key) ?? '']).filter(([, v]) => v)),
  };
  const form = controls(name, settings);
  const chartSlot = h('div', { class: 'chart-slot', id: 'metric-chart' });
  const summary = h('p', { class: 'muted', id: 'metric-summary' });
  const live = h('p', { class: 'live-status', id: 'live-status', 'aria-live': 'polite' }, 'Live: connecting…');
  main.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, 'Overview'), ' › ', name),
    h('h1', { tabindex: -1 }, name),
    form, live, chartSlot, summary);

  chartSlot.replaceChildren(loading('Loading the chart'));
  let chart = null;
  let stream = null;
  let liveCount = 0;
  let markers = [];
  try {
    const to = Date.now() + HOUR;
    const from = to - RANGES[settings.range];
    const [series, anomalies, rules] = await Promise.all([
      loadSeries(name, settings, from, to),
      loadAnomalies(name, settings.tags, from, to),
      get('/api/v1/analytics/alert-rules').then((r) => r.rules.filter((rule) => rule.metric_name === name && rule.enabled)),
    ]);
    chartSlot.replaceChildren();
    markers = anomalies.map(marker);
    const thresholds = rules.map((rule) => ({
      v: rule.above ?? rule.below,
      label: `${rule.id}: ${rule.above !== undefined ? 'above' : 'below'} ${number(rule.above ?? rule.below)}`,
    }));
    if (series.lines.every((s) => s.points.length === 0) && markers.length === 0) {
      chartSlot.append(empty('No data in this range.', settings.resolution === 'raw'
        ? 'Raw points older than the retention period are deleted; try hourly or daily rollups.'
        : 'Rollups appear within a minute of ingest; try another range or resolution.'));
    }
    chart = createChart(chartSlot, {
      title: `${name} (${series.note})`,
      description: `${name}, ${settings.resolution === 'raw' ? 'raw points' : `${settings.resolution}ly rollups`}, ${tagText(settings.tags)}.`,
      height: 320,
      extent: [from, Date.now()],
      series: [...series.lines, { id: 'live', label: 'live points', kind: 'dots', points: [], colorIndex: 2 }],
      ranges: anomalies.map((a) => ({ t0: Date.parse(a.started_at), t1: Date.parse(a.ended_at) })),
      markers,
      thresholds,
    });
    chart.element.dataset.anomalies = String(markers.length);
    summary.textContent = `${series.note}. ${markers.length} anomalies marked${anomalies.truncated ? ' (the 300 highest-scoring)' : ''}; ${thresholds.length} threshold line(s) from the alert rules. Drag across the chart to zoom.`;
  } catch (error) {
    chartSlot.replaceChildren(failure(error, () => window.dispatchEvent(new HashChangeEvent('hashchange'))));
    live.textContent = '';
    return null;
  }

  const subscription = Object.keys(settings.tags).length ? { metric_name: name, tags: settings.tags } : name;
  stream = openStream([subscription], (message) => {
    if (message.type === 'point' && message.metric_name === name) {
      liveCount += 1;
      chart.addPoint('live', { t: Date.parse(message.timestamp), v: message.value });
      live.dataset.count = String(liveCount);
      live.textContent = `Live: connected · ${liveCount} new point${liveCount === 1 ? '' : 's'}, latest ${number(message.value)} (${tagText(message.tags)})`;
    } else if (message.type === 'anomaly' && message.anomaly?.metric_name === name) {
      markers = [...markers, marker(message.anomaly)];
      chart.update({ markers });
    }
  }, (status) => {
    live.dataset.status = status;
    if (status === 'live' && liveCount === 0) live.textContent = 'Live: connected, waiting for new points.';
    if (status === 'reconnecting') live.textContent = 'Live: connection lost, reconnecting…';
    if (status === 'unavailable') live.textContent = 'Live: not available (this service has no access tokens).';
  });
  return () => { stream?.close(); chart?.destroy(); };
}

function controls(name, settings) {
  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const select = (id, value, options) => h('select', { id, name: id },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  const form = h('form', { class: 'controls', 'aria-label': `${name} chart settings` },
    field('resolution', 'Resolution', select('resolution', settings.resolution, [['raw', 'Raw points'], ['hour', 'Hourly'], ['day', 'Daily']])),
    field('range', 'Range', select('range', settings.range, Object.keys(RANGES).map((k) => [k, `Last ${k.replace('d', ' days').replace(/^1 days$/, '1 day')}`]))),
    FILTERS.map(([key, label, placeholder]) => field(`tag-${key}`, label,
      h('input', { id: `tag-${key}`, name: key, value: settings.tags[key] ?? '', placeholder, autocomplete: 'off' }))),
    h('div', { class: 'field field-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Apply')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const query = new URLSearchParams({ res: data.get('resolution'), range: data.get('range') });
    for (const [key] of FILTERS) if (String(data.get(key)).trim()) query.set(key, String(data.get(key)).trim());
    location.hash = `#/metric/${encodeURIComponent(name)}?${query}`;
  });
  return form;
}

/** The chart's lines: rollups from the API, or raw points (grouped per series or summarised). */
async function loadSeries(name, settings, from, to) {
  const path = `/api/v1/analytics/metrics/${encodeURIComponent(name)}`;
  const tagCount = Object.keys(settings.tags).length;
  if (settings.resolution !== 'raw' && tagCount === 0) {
    const { buckets } = await get(`${path}/aggregates`, { resolution: settings.resolution, from: iso(from), to: iso(to) });
    const points = buckets.map((b) => ({ t: Date.parse(b.bucket), v: b.avg }));
    const band = buckets.map((b) => ({ t: Date.parse(b.bucket), lo: b.min, hi: b.max }));
    return { lines: [{ id: 'avg', label: `${settings.resolution}ly average (band: min–max)`, points, band }], note: `${buckets.length} ${settings.resolution}ly rollups of every series` };
  }
  const raw = await rawPoints(path, settings.tags, from, to);
  if (settings.resolution !== 'raw') {
    const buckets = bucketise(raw.points, settings.resolution === 'hour' ? HOUR : DAY);
    return {
      lines: [{ id: 'avg', label: `${settings.resolution}ly average of the filtered series (band: min–max)`, points: buckets.map((b) => ({ t: b.t, v: b.avg })), band: buckets.map((b) => ({ t: b.t, lo: b.min, hi: b.max })) }],
      note: `${buckets.length} ${settings.resolution}ly buckets computed in the browser from ${raw.points.length} raw points${raw.truncated ? ' (first part of the range only)' : ''}`,
    };
  }
  const groups = new Map();
  for (const p of raw.points) {
    const key = tagText(p.tags);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push({ t: Date.parse(p.timestamp), v: p.value });
  }
  const truncated = raw.truncated ? ` (the first ${raw.points.length} of the range)` : '';
  if (groups.size <= MAX_SERIES_LINES) {
    return { lines: [...groups.entries()].map(([key, points], i) => ({ id: `s${i}`, label: key, points })), note: `${raw.points.length} raw points in ${groups.size} series${truncated}` };
  }
  const buckets = bucketise(raw.points, 0);
  return {
    lines: [{ id: 'mean', label: `mean of ${groups.size} series (band: min–max)`, points: buckets.map((b) => ({ t: b.t, v: b.avg })), band: buckets.map((b) => ({ t: b.t, lo: b.min, hi: b.max })) }],
    note: `${raw.points.length} raw points of ${groups.size} series, summarised per timestamp${truncated}`,
  };
}

async function rawPoints(path, tags, from, to) {
  const points = [];
  let cursor;
  const tagQuery = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`tag.${k}`, v]));
  for (let page = 0; page < 20; page++) {
    const result = await get(`${path}/points`, { from: iso(from), to: iso(to), limit: 10000, cursor, ...tagQuery });
    points.push(...result.points);
    cursor = result.next_cursor;
    if (!cursor || points.length >= MAX_RAW_POINTS) break;
  }
  return { points, truncated: Boolean(cursor) };
}

/** Points grouped into buckets of `width` ms (0: per exact timestamp): avg, min, max. */
function bucketise(points, width) {
  const buckets = new Map();
  for (const p of points) {
    const t = Date.parse(p.timestamp);
    const key = width ? Math.floor(t / width) * width : t;
    const b = buckets.get(key) ?? { t: key, sum: 0, count: 0, min: Infinity, max: -Infinity };
    b.sum += p.value; b.count += 1; b.min = Math.min(b.min, p.value); b.max = Math.max(b.max, p.value);
    buckets.set(key, b);
  }
  return [...buckets.values()].sort((a, b) => a.t - b.t).map((b) => ({ ...b, avg: b.sum / b.count }));
}

async function loadAnomalies(name, tags, from, to) {
  const tagQuery = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`tag.${k}`, v]));
  const result = await get('/api/v1/analytics/anomalies', { metric: name, from: iso(from), to: iso(to), limit: 1000, ...tagQuery });
  const sorted = result.anomalies.slice().sort((a, b) => b.score - a.score);
  const shown = sorted.slice(0, 300);
  shown.truncated = sorted.length > shown.length || Boolean(result.next_cursor);
  return shown;
}

/** An anomaly as a chart marker: at its peak, with every method's score and the explanation. */
export function marker(a) {
  return {
    t: Date.parse(a.peak_at),
    v: a.peak_value,
    severity: a.severity,
    label: `${a.severity} anomaly, ${tagText(a.tags)}: ${number(a.peak_value)} (expected ${number(a.expected_value)}), score ${number(a.score, 3)}`,
    details: [
      a.explanation,
      ...(a.methods ?? []).map((m) => `${m.method}: score ${number(m.score, 3)}${m.vote ? ' (voted anomalous)' : ''}`),
    ],
  };
}

const iso = (t) => new Date(t).toISOString();
