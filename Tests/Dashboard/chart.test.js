// Tests of the dashboard's chart module (Sources/ChurnGuardAPI/Resources/dashboard/chart/),
// run inside headless Chromium on a page of the running service by scripts/test-dashboard:
// this file is one expression whose value (a promise) is {passed, failures}.
(async () => {
  const scale = await import('/static/chart/scale.js');
  const { createChart, formatValue } = await import('/static/chart/chart.js');
  const failures = [];
  let passed = 0;
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  function check(name, condition, detail = '') {
    if (condition) passed += 1; else failures.push(`${name}${detail ? `: ${detail}` : ''}`);
  }
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  // Scales and ticks.
  check('niceTicks 0..1', same(scale.niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]), JSON.stringify(scale.niceTicks(0, 1, 5)));
  check('niceTicks 0..97 by 20', same(scale.niceTicks(0, 97, 5), [0, 20, 40, 60, 80]), JSON.stringify(scale.niceTicks(0, 97, 5)));
  check('niceTicks negative', same(scale.niceTicks(-3, 3, 3), [-2, 0, 2]), JSON.stringify(scale.niceTicks(-3, 3, 3)));
  check('niceTicks of NaN is empty', scale.niceTicks(NaN, 1).length === 0);
  const s = scale.linearScale([10, 20], [0, 100]);
  check('linearScale maps', s(15) === 50 && s(10) === 0 && s(20) === 100);
  check('linearScale inverts', Math.abs(s.invert(25) - 12.5) < 1e-9);
  check('linearScale of an empty domain does not divide by zero', Number.isFinite(scale.linearScale([5, 5], [0, 10])(5)));
  check('valueDomain pads by 5 %', same(scale.valueDomain([0, 100]), [-5, 105]));
  check('valueDomain of one value is not empty', (([a, b]) => a < 3 && b > 3)(scale.valueDomain([3, 3])));
  check('valueDomain without values', same(scale.valueDomain([NaN]), [0, 1]));

  // Time ticks: at round local times of the browser's zone.
  const t0 = new Date(2026, 10, 20, 7, 13).getTime();
  const twoDays = scale.timeTicks(t0, t0 + 2 * DAY, 6);
  check('two days are ticked every 12 hours', twoDays.length === 4 && twoDays.every((t) => [0, 12].includes(new Date(t.t).getHours()) && new Date(t.t).getMinutes() === 0),
    JSON.stringify(twoDays.map((t) => new Date(t.t).toString())));
  check('ticks stay inside the range', twoDays.every((t) => t.t >= t0 && t.t <= t0 + 2 * DAY));
  check('midnight ticks are major and show the date', twoDays.filter((t) => new Date(t.t).getHours() === 0).every((t) => t.major && /\d/.test(t.label)));
  const month = scale.timeTicks(t0, t0 + 30 * DAY, 6);
  check('a month is ticked at local midnights a week apart', month.length >= 4 && month.every((t) => new Date(t.t).getHours() === 0)
    && month.slice(1).every((t, i) => Math.round((t.t - month[i].t) / DAY) === 7), JSON.stringify(month.map((t) => new Date(t.t).toString())));
  // Across a daylight-saving change of the browser's zone (late October in Europe, early
  // November in North America; the browser test runs in Europe/Berlin) days stay at midnight.
  const autumn = scale.timeTicks(new Date(2026, 9, 10).getTime(), new Date(2026, 10, 10).getTime(), 6);
  check('local-midnight ticks survive a daylight-saving change', autumn.length >= 4
    && autumn.every((t) => new Date(t.t).getHours() === 0 && new Date(t.t).getMinutes() === 0), JSON.stringify(autumn.map((t) => new Date(t.t).toString())));
  const night = scale.timeTicks(new Date(2026, 9, 24, 12).getTime(), new Date(2026, 9, 26, 12).getTime(), 6);
  check('hour ticks across a daylight-saving change are at round local hours', night.every((t) => new Date(t.t).getMinutes() === 0));
  const hour = scale.timeTicks(t0, t0 + HOUR, 4);
  check('an hour is ticked every 15 minutes', hour.length === 4 && hour.every((t) => new Date(t.t).getMinutes() % 15 === 0), JSON.stringify(hour));
  check('timeStep picks the smallest step that fits', scale.timeStep(6 * HOUR, 6) === HOUR && scale.timeStep(10 * DAY, 6) === 2 * DAY);

  // Lookup, paths, zoom, ranges.
  const points = [0, 10, 20, 30].map((t) => ({ t, v: t / 10 }));
  check('nearestIndex', scale.nearestIndex(points, 14) === 1 && scale.nearestIndex(points, 16) === 2 && scale.nearestIndex(points, -5) === 0 && scale.nearestIndex(points, 99) === 3);
  check('nearestIndex of nothing', scale.nearestIndex([], 1) === -1);
  const identity = (v) => v;
  check('linePath joins points', scale.linePath(points, identity, identity) === 'M0,0L10,1L20,2L30,3');
  check('linePath breaks at a gap', scale.linePath([{ t: 0, v: 1 }, { t: 1, v: 1 }, { t: 10, v: 1 }], identity, identity, 2) === 'M0,1L1,1M10,1');
  check('linePath skips non-finite values', scale.linePath([{ t: 0, v: 1 }, { t: 1, v: NaN }, { t: 2, v: 1 }], identity, identity) === 'M0,1M2,1');
  check('bandPath is closed', scale.bandPath([{ t: 0, lo: 0, hi: 2 }, { t: 1, lo: 1, hi: 3 }], identity, identity) === 'M0,2L1,3L1,1L0,0Z');
  check('typicalGap is the median gap', scale.typicalGap([{ t: 0 }, { t: 1 }, { t: 2 }, { t: 10 }]) === 1);
  check('zoom in halves around the centre', same(scale.zoomDomain([0, 100], 0.5, 0.5, [0, 100], 1), [25, 75]));
  check('zoom out stays inside the limits', same(scale.zoomDomain([0, 50], 4, 0.5, [0, 100], 1), [0, 100]));
  check('zoom keeps a minimum span', same(scale.zoomDomain([0, 100], 0.001, 0, [0, 100], 10), [0, 10]));
  check('zoom at the right edge', same(scale.zoomDomain([0, 100], 0.5, 1, [0, 100], 1), [50, 100]));
  check('mergeRanges merges overlaps and counts', same(scale.mergeRanges([{ t0: 5, t1: 8 }, { t0: 0, t1: 6 }, { t0: 20, t1: 21 }]), [{ t0: 0, t1: 8, count: 2 }, { t0: 20, t1: 21, count: 1 }]));
  check('formatValue', formatValue(1234.5678) === (1235).toLocaleString() && formatValue(NaN) === '–');

  // The rendered chart.
  const host = document.createElement('div');
  host.style.width = '800px';
  document.body.append(host);
  const start = Date.now() - 10 * HOUR;
  const series = Array.from({ length: 11 }, (_, i) => ({ t: start + i * HOUR, v: i % 3 }));
  const chart = createChart(host, {
    title: 'test chart', height: 240,
    series: [{ id: 'a', label: 'series a', points: series, band: series.map((p) => ({ t: p.t, lo: p.v - 1, hi: p.v + 1 })) },
      { id: 'live', label: 'live', kind: 'dots', points: [] }],
    ranges: [{ t0: start + 2 * HOUR, t1: start + 3 * HOUR }],
    markers: [{ t: start + 5 * HOUR, v: 2, label: 'high anomaly', details: ['mad: score 0.9', 'zscore: score 0.7'], severity: 'high' }],
    thresholds: [{ v: 1.5, label: 'rule above 1.5' }],
  });
  const svg = host.querySelector('svg');
  check('the chart is an image with a name', svg.getAttribute('role') === 'img' && svg.querySelector('title').textContent === 'test chart');
  check('a line is drawn', host.querySelector('path.line[data-series="a"]')?.getAttribute('d').split('L').length === 11);
  check('its min-max band is drawn', host.querySelector('path.band')?.getAttribute('d').endsWith('Z'));
  check('the anomaly range is shaded', host.querySelectorAll('rect.chart-range').length === 1);
  check('the threshold is a line with its label', host.querySelectorAll('line.threshold').length === 1 && host.textContent.includes('rule above 1.5'));
  check('the time axis has labels', host.querySelectorAll('.chart-axes text').length >= 4);
  const markerEl = host.querySelector('[data-marker]');
  check('the marker is focusable and named', markerEl?.getAttribute('tabindex') === '0' && markerEl.getAttribute('aria-label') === 'high anomaly');
  markerEl.dispatchEvent(new FocusEvent('focus'));
  const tip = host.querySelector('.chart-tooltip');
  check('focusing a marker shows its details', !tip.hidden && tip.textContent.includes('mad: score 0.9') && tip.textContent.includes('zscore'));
  markerEl.dispatchEvent(new FocusEvent('blur'));
  check('leaving it hides them', tip.hidden);
  const box = host.querySelector('.chart-overlay').getBoundingClientRect();
  host.querySelector('.chart-overlay').dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + box.width / 2, clientY: box.top + 20, bubbles: true }));
  check('hovering shows the nearest values', !tip.hidden && tip.textContent.includes('series a:') && host.querySelector('.cursor-line') !== null, tip.textContent);
  const full = chart.domain();
  host.querySelector('[data-zoom="in"]').click();
  const zoomed = chart.domain();
  check('zoom in halves the time span', Math.abs((zoomed[1] - zoomed[0]) * 2 - (full[1] - full[0])) < 2, JSON.stringify([full, zoomed]));
  check('zoom marks the figure', host.querySelector('figure').dataset.zoomed === 'true');
  const overlay = host.querySelector('.chart-overlay');
  overlay.dispatchEvent(new PointerEvent('pointerdown', { clientX: box.left + 100, clientY: box.top + 20, pointerId: 1, bubbles: true }));
  overlay.dispatchEvent(new PointerEvent('pointerup', { clientX: box.left + 300, clientY: box.top + 20, pointerId: 1, bubbles: true }));
  const dragged = chart.domain();
  check('dragging zooms to the dragged range', dragged[1] - dragged[0] < zoomed[1] - zoomed[0], JSON.stringify(dragged));
  host.querySelector('[data-zoom="reset"]').click();
  check('reset restores the full range', same(chart.domain(), full));
  chart.addPoint('live', { t: Date.now(), v: 1 });
  check('a live point is drawn as a dot', host.querySelectorAll('circle.dot[data-series="live"]').length === 1);
  const details = host.querySelector('details.chart-table');
  details.open = true;
  await nextFrame();
  const rows = details.querySelectorAll('tbody tr');
  check('the table alternative lists every point and the marker', rows.length === 11 + 1 + 1, String(rows.length));
  check('the table names its columns', [...details.querySelectorAll('th')].map((th) => th.textContent).join() === 'Series,Time,Value');
  chart.update({ markers: [] });
  check('update redraws', host.querySelectorAll('[data-marker]').length === 0);
  const empty = createChart(host, { title: 'empty', series: [] });
  check('a chart without data still renders axes', empty.element.querySelector('svg') !== null && Number.isFinite(empty.domain()[0]));
  empty.destroy();
  chart.destroy();
  check('destroy removes the chart', host.childElementCount === 0);
  host.remove();
  return { passed, failures };
})()
