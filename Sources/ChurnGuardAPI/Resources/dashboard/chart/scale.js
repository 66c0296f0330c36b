// Pure helpers of the chart module: scales, ticks, paths, zoom. No DOM, so they are tested
// directly (Tests/Dashboard/chart.test.js).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A linear map from `domain` [d0, d1] to `range` [r0, r1], with its inverse. */
export function linearScale([d0, d1], [r0, r1]) {
  const span = d1 - d0 || 1;
  const scale = (value) => r0 + ((value - d0) / span) * (r1 - r0);
  scale.invert = (pixel) => d0 + ((pixel - r0) / ((r1 - r0) || 1)) * span;
  scale.domain = [d0, d1];
  scale.range = [r0, r1];
  return scale;
}

/** About `count` round numbers covering [min, max] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
  }
  return ticks;
}

/** The value domain of everything drawn, padded by 5 % (and never empty). */
export function valueDomain(values) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) { lo -= Math.abs(lo) * 0.1 || 1; hi += Math.abs(hi) * 0.1 || 1; }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

const TIME_STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

/** The tick step for a time span: the smallest of the usual steps giving at most `count` ticks. */
export function timeStep(span, count = 6) {
  return TIME_STEPS.find((step) => span / step <= count) ?? TIME_STEPS[TIME_STEPS.length - 1];
}

/**
 * Ticks on [t0, t1] (epoch ms) at round local times of the browser's zone: whole minutes or
 * hours for short spans, local midnights for days (so a tick is at 00:00 even across a
 * daylight-saving change). Each tick: {t, label, major} (major: a new day).
 */
export function timeTicks(t0, t1, count = 6) {
  const step = timeStep(t1 - t0, count);
  const ticks = [];
  const d = new Date(t0);
  if (step >= DAY) {
    d.setHours(0, 0, 0, 0);
    const days = Math.round(step / DAY);
    while (d.getTime() < t0) d.setDate(d.getDate() + 1);
    for (let guard = 0; d.getTime() <= t1 && guard < 500; guard++) {
      ticks.push({ t: d.getTime(), label: formatDay(d), major: true });
      d.setDate(d.getDate() + days);
    }
    return ticks;
  }
  d.setSeconds(0, 0);
  if (step >= HOUR) {
    const hours = step / HOUR;
    d.setMinutes(0);
    d.setHours(Math.floor(d.getHours() / hours) * hours);
  } else {
    const minutes = step / MINUTE;
    d.setMinutes(Math.floor(d.getMinutes() / minutes) * minutes);
  }
  let t = d.getTime();
  while (t < t0) t += step;
  for (let guard = 0; t <= t1 && guard < 500; guard++, t += step) {
    const at = new Date(t);
    const major = at.getHours() === 0 && at.getMinutes() === 0;
    ticks.push({ t, label: major ? formatDay(at) : formatClock(at), major });
  }
  return ticks;
}

function formatDay(date) {
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

function formatClock(date) {
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Index of the point of `points` (sorted by t) nearest to `t`, or -1 when empty. */
export function nearestIndex(points, t) {
  if (points.length === 0) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].t < t) lo = mid + 1; else hi = mid;
  }
  if (lo > 0 && Math.abs(points[lo - 1].t - t) <= Math.abs(points[lo].t - t)) return lo - 1;
  return lo;
}

/**
 * An SVG path through `points` (x(t), y(v)); a gap longer than `maxGap` ms (when given), or a
 * non-finite value, starts a new segment instead of joining across missing data.
 */
export function linePath(points, x, y, maxGap = Infinity) {
  let d = '';
  let previous = null;
  for (const p of points) {
    if (!Number.isFinite(p.v)) { previous = null; continue; }
    const move = previous === null || p.t - previous.t > maxGap;
    d += `${move ? 'M' : 'L'}${round(x(p.t))},${round(y(p.v))}`;
    previous = p;
  }
  return d;
}

/** A closed area between `lo` and `hi` of each point ({t, lo, hi}), for a band of values. */
export function bandPath(points, x, y) {
  const finite = points.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
  if (finite.length === 0) return '';
  const top = finite.map((p, i) => `${i ? 'L' : 'M'}${round(x(p.t))},${round(y(p.hi))}`).join('');
  const bottom = finite.slice().reverse().map((p) => `L${round(x(p.t))},${round(y(p.lo))}`).join('');
  return `${top}${bottom}Z`;
}

/** The typical spacing of sorted points (their median gap), for deciding what is a gap. */
export function typicalGap(points) {
  if (points.length < 2) return Infinity;
  const gaps = [];
  for (let i = 1; i < points.length; i++) gaps.push(points[i].t - points[i - 1].t);
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1];
}

/**
 * The domain after zooming [t0, t1] by `factor` (< 1 zooms in) around the fraction `at`
 * (0 = left edge, 1 = right edge), kept inside `limits` and at least `minSpan` wide.
 */
export function zoomDomain([t0, t1], factor, at = 0.5, limits = [-Infinity, Infinity], minSpan = MINUTE) {
  const span = t1 - t0;
  const center = t0 + span * at;
  let next = Math.max(minSpan, span * factor);
  next = Math.min(next, limits[1] - limits[0]);
  let a = center - next * at;
  let b = a + next;
  if (a < limits[0]) { a = limits[0]; b = a + next; }
  if (b > limits[1]) { b = limits[1]; a = b - next; }
  return [a, b];
}

/** Merges overlapping or touching time ranges ({t0, t1, ...}) into bands, keeping a count. */
export function mergeRanges(ranges, slack = 0) {
  const sorted = ranges.filter((r) => r.t1 >= r.t0).slice().sort((a, b) => a.t0 - b.t0);
  const merged = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.t0 <= last.t1 + slack) {
      last.t1 = Math.max(last.t1, r.t1);
      last.count += 1;
    } else {
      merged.push({ t0: r.t0, t1: r.t1, count: 1 });
    }
  }
  return merged;
}

function round(v) {
  return Math.round(v * 10) / 10;
}
