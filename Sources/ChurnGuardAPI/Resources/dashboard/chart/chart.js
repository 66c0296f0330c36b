// A small SVG time-series chart of our own: time axis in the browser's zone, lines, value
// bands (min–max), shaded time ranges, markers with details on hover or focus, threshold
// lines, zoom (drag a range, buttons, Ctrl+wheel) and a data table as its text alternative.
import {
  bandPath, linePath, linearScale, mergeRanges, nearestIndex, niceTicks, timeTicks, typicalGap, valueDomain, zoomDomain,
} from './scale.js';

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { top: 12, right: 16, bottom: 28, left: 56 };
let chartCount = 0;

function svg(name, attributes = {}, parent = null) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (parent) parent.appendChild(element);
  return element;
}

function html(name, attributes = {}, text = null) {
  const element = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

/** Formats a value for axes and tooltips: up to 4 significant digits, thousands grouped. */
export function formatValue(v) {
  if (!Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e9)) return v.toExponential(2);
  return v.toLocaleString(undefined, { maximumSignificantDigits: 4 });
}

/** A time as the browser's zone shows it, to the minute. */
export function formatTime(t) {
  return new Date(t).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/**
 * Creates a chart in `container`. `options`: `title` (its accessible name), `description`,
 * `height` (px), `series` ([{id, label, points: [{t, v}], band?: [{t, lo, hi}], kind?: 'line'|'dots', colorIndex?}]),
 * `ranges` ([{t0, t1, label}], shaded), `markers` ([{t, v, label, details: [text], severity}]),
 * `thresholds` ([{v, label}]), `extent` ([t0, t1], the zoomed-out domain; default the data's),
 * `compact` (a sparkline: no axes, tools or table).
 * Returns {update(options), addPoint(seriesId, point), zoom(factor), resetZoom(), domain(), element, destroy()}.
 */
export function createChart(container, options) {
  const id = `chart-${++chartCount}`;
  let state = { ...options };
  let domain = null;
  const figure = html('figure', { class: state.compact ? 'chart chart-compact' : 'chart', 'data-chart': id });
  const plot = html('div', { class: 'chart-plot' });
  const root = svg('svg', { role: 'img', 'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-desc`, class: 'chart-svg' });
  const title = svg('title', { id: `${id}-title` }, root);
  const desc = svg('desc', { id: `${id}-desc` }, root);
  const layers = {};
  for (const name of ['grid', 'ranges', 'bands', 'thresholds', 'lines', 'axes', 'cursor', 'markers', 'brush']) {
    layers[name] = svg('g', { class: `chart-${name}` }, root);
  }
  const overlay = svg('rect', { class: 'chart-overlay', x: 0, y: 0, width: 0, height: 0 });
  root.insertBefore(overlay, layers.markers);
  const tooltip = html('div', { class: 'chart-tooltip', id: `${id}-tip`, role: 'status', 'aria-live': 'polite' });
  tooltip.hidden = true;
  plot.append(root, tooltip);

  let toolbar = null;
  let table = null;
  let legend = null;
  if (!state.compact) {
    toolbar = html('div', { class: 'chart-toolbar', role: 'toolbar', 'aria-label': `${state.title ?? 'Chart'} zoom` });
    const zoomIn = html('button', { type: 'button', class: 'button small', 'data-zoom': 'in' }, 'Zoom in');
    const zoomOut = html('button', { type: 'button', class: 'button small', 'data-zoom': 'out' }, 'Zoom out');
    const reset = html('button', { type: 'button', class: 'button small', 'data-zoom': 'reset' }, 'Reset zoom');
    zoomIn.addEventListener('click', () => api.zoom(0.5));
    zoomOut.addEventListener('click', () => api.zoom(2));
    reset.addEventListener('click', () => api.resetZoom());
    legend = html('ul', { class: 'chart-legend', 'aria-label': 'Legend' });
    toolbar.append(zoomIn, zoomOut, reset);
    figure.append(toolbar, legend);
    table = html('details', { class: 'chart-table' });
    const summary = html('summary', {}, 'Show the data as a table');
    table.append(summary);
    table.addEventListener('toggle', () => { if (table.open) renderTable(); });
  }
  figure.append(plot);
  if (table) figure.append(table);
  container.append(figure);

  function extent() {
    if (state.extent) return state.extent;
    const times = [];
    for (const s of state.series ?? []) for (const p of s.points) times.push(p.t);
    for (const m of state.markers ?? []) times.push(m.t);
    if (times.length === 0) { const now = Date.now(); return [now - 3_600_000, now]; }
    const lo = Math.min(...times);
    const hi = Math.max(...times);
    return lo === hi ? [lo - 1_800_000, hi + 1_800_000] : [lo, hi];
  }

  function size() {
    const width = Math.max(120, Math.floor(plot.clientWidth || container.clientWidth || 600));
    const height = state.height ?? (state.compact ? 48 : 280);
    return { width, height };
  }

  function scales() {
    const { width, height } = size();
    const margin = state.compact ? { top: 4, right: 2, bottom: 4, left: 2 } : MARGIN;
    const [t0, t1] = domain ?? extent();
    const x = linearScale([t0, t1], [margin.left, width - margin.right]);
    const values = [];
    for (const s of state.series ?? []) {
      for (const p of s.points) if (p.t >= t0 && p.t <= t1) values.push(p.v);
      for (const b of s.band ?? []) if (b.t >= t0 && b.t <= t1) values.push(b.lo, b.hi);
    }
    for (const m of state.markers ?? []) if (m.t >= t0 && m.t <= t1) values.push(m.v);
    for (const th of state.thresholds ?? []) values.push(th.v);
    const y = linearScale(valueDomain(values), [height - margin.bottom, margin.top]);
    return { x, y, width, height, margin };
  }

  function render() {
    const { x, y, width, height, margin } = scales();
    root.setAttribute('viewBox', `0 0 ${width} ${height}`);
    root.setAttribute('width', width);
    root.setAttribute('height', height);
    title.textContent = state.title ?? 'Chart';
    const counts = (state.series ?? []).map((s) => `${s.label}: ${s.points.length} points`).join('; ');
    desc.textContent = `${state.description ?? ''} ${counts}. ${(state.markers ?? []).length} marked anomalies.`.trim();
    for (const layer of Object.values(layers)) layer.replaceChildren();
    overlay.setAttribute('x', margin.left);
    overlay.setAttribute('y', margin.top);
    overlay.setAttribute('width', Math.max(0, width - margin.left - margin.right));
    overlay.setAttribute('height', Math.max(0, height - margin.top - margin.bottom));
    const [t0, t1] = x.domain;
    if (!state.compact) {
      for (const tick of niceTicks(y.domain[0], y.domain[1], 5)) {
        svg('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: 'grid-line' }, layers.grid);
        const label = svg('text', { x: margin.left - 6, y: y(tick) + 4, class: 'axis-label', 'text-anchor': 'end' }, layers.axes);
        label.textContent = formatValue(tick);
      }
      const count = Math.max(2, Math.floor((width - margin.left - margin.right) / 90));
      for (const tick of timeTicks(t0, t1, count)) {
        svg('line', { x1: x(tick.t), x2: x(tick.t), y1: margin.top, y2: height - margin.bottom, class: tick.major ? 'grid-line major' : 'grid-line' }, layers.grid);
        const label = svg('text', { x: x(tick.t), y: height - margin.bottom + 16, class: 'axis-label', 'text-anchor': 'middle' }, layers.axes);
        label.textContent = tick.label;
      }
      svg('line', { x1: margin.left, x2: width - margin.right, y1: height - margin.bottom, y2: height - margin.bottom, class: 'axis-line' }, layers.axes);
    }
    const clip = (t) => Math.min(Math.max(t, t0), t1);
    for (const range of mergeRanges((state.ranges ?? []).filter((r) => r.t1 >= t0 && r.t0 <= t1))) {
      const a = x(clip(range.t0));
      const b = x(clip(range.t1));
      svg('rect', { x: a, y: margin.top, width: Math.max(2, b - a), height: height - margin.top - margin.bottom, class: 'chart-range' }, layers.ranges);
    }
    (state.series ?? []).forEach((s, index) => {
      const visible = s.points.filter((p) => p.t >= t0 && p.t <= t1);
      const cls = `series series-${(s.colorIndex ?? index) % 6}`;
      if (s.band?.length) {
        svg('path', { d: bandPath(s.band.filter((p) => p.t >= t0 && p.t <= t1), x, y), class: `band ${cls}` }, layers.bands);
      }
      if (s.kind !== 'dots') {
        svg('path', { d: linePath(visible, x, y, typicalGap(s.points) * 3), class: `line ${cls}`, 'data-series': s.id }, layers.lines);
      }
      if (s.kind === 'dots' || visible.length <= 2) {
        for (const p of visible) svg('circle', { cx: x(p.t), cy: y(p.v), r: 3.5, class: `dot ${cls}`, 'data-series': s.id }, layers.lines);
      }
    });
    for (const th of state.thresholds ?? []) {
      svg('line', { x1: margin.left, x2: width - margin.right, y1: y(th.v), y2: y(th.v), class: 'threshold' }, layers.thresholds);
      const label = svg('text', { x: width - margin.right - 4, y: y(th.v) - 4, class: 'threshold-label', 'text-anchor': 'end' }, layers.thresholds);
      label.textContent = th.label;
    }
    for (const marker of (state.markers ?? []).filter((m) => m.t >= t0 && m.t <= t1)) {
      const g = svg('g', { class: `marker severity-${marker.severity ?? 'medium'}`, tabindex: state.compact ? -1 : 0, role: 'button', 'aria-label': marker.label, 'data-marker': '', 'data-t': marker.t }, layers.markers);
      svg('circle', { cx: x(marker.t), cy: y(marker.v), r: 6 }, g);
      const show = () => showTip(x(marker.t), y(marker.v), [marker.label, ...(marker.details ?? [])]);
      g.addEventListener('pointerenter', show);
      g.addEventListener('focus', show);
      g.addEventListener('blur', hideTip);
      g.addEventListener('pointerleave', hideTip);
    }
    if (legend) {
      legend.replaceChildren(...(state.series ?? []).map((s, index) => {
        const item = html('li', { class: `legend-item series-${(s.colorIndex ?? index) % 6}` });
        item.append(html('span', { class: 'legend-swatch', 'aria-hidden': 'true' }), document.createTextNode(s.label));
        return item;
      }));
      if ((state.thresholds ?? []).length) legend.append(html('li', { class: 'legend-item legend-threshold' }, 'threshold'));
      if ((state.markers ?? []).length) legend.append(html('li', { class: 'legend-item legend-marker' }, 'anomaly'));
    }
    if (table?.open) renderTable();
  }

  function showTip(px, py, lines) {
    tooltip.replaceChildren(...lines.map((line, i) => html(i === 0 ? 'strong' : 'div', {}, line)));
    tooltip.hidden = false;
    const { width } = size();
    tooltip.style.left = `${Math.min(Math.max(0, px + 12), Math.max(0, width - 260))}px`;
    tooltip.style.top = `${Math.max(0, py - 10)}px`;
  }

  function hideTip() {
    tooltip.hidden = true;
    layers.cursor.replaceChildren();
  }

  function hover(event) {
    const { x, y, height, margin } = scales();
    const box = root.getBoundingClientRect();
    const px = event.clientX - box.left;
    const t = x.invert(px);
    const lines = [formatTime(t)];
    let closest = null;
    for (const s of state.series ?? []) {
      const i = nearestIndex(s.points, t);
      if (i < 0) continue;
      const p = s.points[i];
      lines.push(`${s.label}: ${formatValue(p.v)}`);
      if (!closest || Math.abs(p.t - t) < Math.abs(closest.t - t)) closest = p;
    }
    if (closest) lines[0] = formatTime(closest.t);
    layers.cursor.replaceChildren();
    const cx = closest ? x(closest.t) : px;
    svg('line', { x1: cx, x2: cx, y1: margin.top, y2: height - margin.bottom, class: 'cursor-line' }, layers.cursor);
    if (closest) svg('circle', { cx, cy: y(closest.v), r: 4, class: 'cursor-dot' }, layers.cursor);
    showTip(cx, closest ? y(closest.v) : margin.top, lines);
  }

  // Drag across the plot to zoom into that range; Ctrl (or ⌘) + wheel zooms around the pointer.
  let dragFrom = null;
  overlay.addEventListener('pointermove', (event) => {
    if (dragFrom === null) { hover(event); return; }
    const box = root.getBoundingClientRect();
    const px = event.clientX - box.left;
    const { height, margin } = scales();
    layers.brush.replaceChildren();
    svg('rect', { x: Math.min(px, dragFrom), y: margin.top, width: Math.abs(px - dragFrom), height: height - margin.top - margin.bottom, class: 'brush' }, layers.brush);
  });
  overlay.addEventListener('pointerleave', () => { if (dragFrom === null) hideTip(); });
  overlay.addEventListener('pointerdown', (event) => {
    if (state.compact) return;
    dragFrom = event.clientX - root.getBoundingClientRect().left;
    overlay.setPointerCapture?.(event.pointerId);
  });
  overlay.addEventListener('pointerup', (event) => {
    if (dragFrom === null) return;
    const px = event.clientX - root.getBoundingClientRect().left;
    const from = dragFrom;
    dragFrom = null;
    layers.brush.replaceChildren();
    if (Math.abs(px - from) < 6) return;
    const { x } = scales();
    setDomain([x.invert(Math.min(px, from)), x.invert(Math.max(px, from))]);
  });
  root.addEventListener('wheel', (event) => {
    if (state.compact || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    const { x, margin, width } = scales();
    const at = (event.clientX - root.getBoundingClientRect().left - margin.left) / Math.max(1, width - margin.left - margin.right);
    api.zoom(event.deltaY < 0 ? 0.7 : 1 / 0.7, Math.min(1, Math.max(0, at)), x);
  }, { passive: false });

  function setDomain(next) {
    const full = extent();
    domain = next[1] - next[0] >= full[1] - full[0] - 1 ? null : next;
    figure.dataset.zoomed = domain ? 'true' : 'false';
    render();
    state.onZoom?.(domain ?? full);
  }

  function renderTable() {
    if (!table) return;
    const wrap = html('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `${state.title ?? 'Chart'} data` });
    const t = html('table', { class: 'data-table' });
    t.append(html('caption', {}, `${state.title ?? 'Chart'}: values by time (${Intl.DateTimeFormat().resolvedOptions().timeZone})`));
    const head = html('tr');
    for (const name of ['Series', 'Time', 'Value']) head.append(html('th', { scope: 'col' }, name));
    const thead = html('thead');
    thead.append(head);
    t.append(thead);
    const body = html('tbody');
    const limit = 200;
    for (const s of state.series ?? []) {
      for (const p of s.points.slice(-limit)) {
        const row = html('tr');
        row.append(html('td', {}, s.label), html('td', {}, formatTime(p.t)), html('td', {}, formatValue(p.v)));
        body.append(row);
      }
    }
    for (const m of state.markers ?? []) {
      const row = html('tr', { class: 'marker-row' });
      row.append(html('td', {}, 'anomaly'), html('td', {}, formatTime(m.t)), html('td', {}, `${formatValue(m.v)} — ${m.label}`));
      body.append(row);
    }
    t.append(body);
    wrap.append(t);
    const note = (state.series ?? []).some((s) => s.points.length > limit) ? html('p', { class: 'hint' }, `Each series shows its newest ${limit} points.`) : null;
    table.replaceChildren(table.querySelector('summary'), ...(note ? [note] : []), wrap);
  }

  let frame = 0;
  function schedule() {
    if (frame) return;
    frame = requestAnimationFrame(() => { frame = 0; render(); });
  }

  const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(schedule) : null;
  resize?.observe(plot);

  const api = {
    element: figure,
    update(next) { state = { ...state, ...next }; render(); },
    addPoint(seriesId, point) {
      const s = (state.series ?? []).find((item) => item.id === seriesId);
      if (!s) return;
      const at = s.points.findIndex((p) => p.t > point.t);
      if (at < 0) s.points.push(point); else s.points.splice(at, 0, point);
      if (state.extent && point.t > state.extent[1]) state.extent = [state.extent[0], point.t];
      render();
    },
    zoom(factor, at = 0.5) {
      const full = extent();
      setDomain(zoomDomain(domain ?? full, factor, at, full));
    },
    resetZoom() { setDomain(extent()); },
    domain() { return domain ?? extent(); },
    destroy() { resize?.disconnect(); figure.remove(); },
  };
  render();
  return api;
}
