// Alert rules: the rules in effect (defaults and the organization's own), add, edit, delete.
import { get, metricNames, put, remove } from '../lib/api.js';
import { announce, badge, h, number, severity, table, tagText } from '../lib/dom.js';
import { empty, failure, section } from '../lib/states.js';

export async function render(main, { query }) {
  const editing = query.get('edit');
  const listSlot = h('div', { id: 'rule-list' });
  const formSlot = h('div', { id: 'rule-form' });
  main.append(h('h1', { tabindex: -1 }, 'Alert rules'),
    h('p', {}, h('a', { class: 'button primary', href: '#/rules?edit=' }, 'Add a rule')),
    h('div', { class: 'split' }, listSlot, formSlot));
  const rules = await section(listSlot, 'Loading rules', () => get('/api/v1/analytics/alert-rules').then((r) => r.rules), (list) => {
    if (list.length === 0) return empty('No rules.', 'Add one: a metric, a threshold and a severity.');
    return table('Rules in effect', ['Rule', 'Metric', 'Condition', 'Severity', 'For', 'Series', 'Source', 'Actions'], list.map((rule) => [
      rule.id, rule.metric_name,
      `${rule.above !== undefined ? 'above' : 'below'} ${number(rule.above ?? rule.below)} (hysteresis ${number(rule.hysteresis)})`,
      severity(rule.severity), `${rule.for_seconds} s`, tagText(rule.tags),
      h('span', {}, badge(rule.source), rule.enabled ? '' : [' ', badge('disabled')]),
      h('span', { class: 'button-row' },
        h('a', { class: 'button small', href: `#/rules?edit=${encodeURIComponent(rule.id)}`, 'aria-label': `Edit ${rule.id}` }, 'Edit'),
        rule.source === 'organization' ? deleteButton(rule) : null),
    ]), { rowAttributes: (i) => ({ 'data-rule': list[i].id }) });
  });
  if (editing !== null && rules) {
    const rule = rules.find((r) => r.id === editing) ?? null;
    formSlot.append(await ruleForm(rule));
    formSlot.querySelector('input, select')?.focus();
  }
  return null;
}

function deleteButton(rule) {
  const button = h('button', { type: 'button', class: 'button small danger', 'data-delete': rule.id, 'aria-label': `Delete ${rule.id}` }, 'Delete');
  button.addEventListener('click', async () => {
    // Two steps instead of a dialog box: the first press asks, the second deletes.
    if (button.dataset.confirm !== 'true') {
      button.dataset.confirm = 'true';
      button.textContent = 'Press again to delete';
      return;
    }
    button.disabled = true;
    try {
      await remove(`/api/v1/analytics/alert-rules/${encodeURIComponent(rule.id)}`);
      announce(`Rule ${rule.id} deleted`);
      location.hash = `#/rules?deleted=${encodeURIComponent(rule.id)}`;
    } catch (error) {
      button.after(failure(error));
      button.disabled = false;
    }
  });
  return button;
}

async function ruleForm(rule) {
  const metrics = await metricNames().catch(() => []);
  const field = (id, label, control, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
  const id = h('input', { id: 'rule-id', name: 'id', required: true, pattern: '[a-z0-9._\\-]{1,64}', value: rule?.id ?? '', readonly: rule ? true : false, 'aria-describedby': 'rule-id-hint', autocomplete: 'off' });
  const metric = h('input', { id: 'rule-metric', name: 'metric_name', required: true, list: 'metric-names', value: rule?.metric_name ?? '', autocomplete: 'off' });
  const datalist = h('datalist', { id: 'metric-names' }, metrics.map((m) => h('option', { value: m.metric_name })));
  const condition = h('select', { id: 'rule-condition', name: 'condition' },
    h('option', { value: 'above', selected: rule?.below === undefined }, 'above'), h('option', { value: 'below', selected: rule?.below !== undefined && rule !== null }, 'below'));
  const threshold = h('input', { id: 'rule-threshold', name: 'threshold', type: 'number', step: 'any', required: true, value: rule ? (rule.above ?? rule.below) : '' });
  const level = h('select', { id: 'rule-severity', name: 'severity' }, ['low', 'medium', 'high', 'critical'].map((s) => h('option', { value: s, selected: s === (rule?.severity ?? 'medium') }, s)));
  const duration = h('input', { id: 'rule-for', name: 'for', value: rule ? `${rule.for_seconds}s` : '0s', pattern: '[0-9]+[smhd]?', 'aria-describedby': 'rule-for-hint', autocomplete: 'off' });
  const hysteresis = h('input', { id: 'rule-hysteresis', name: 'hysteresis', type: 'number', step: 'any', min: 0, value: rule?.hysteresis ?? '', 'aria-describedby': 'rule-hysteresis-hint' });
  const tags = h('input', { id: 'rule-tags', name: 'tags', value: rule ? Object.entries(rule.tags).map(([k, v]) => `${k}=${v}`).join(', ') : '', 'aria-describedby': 'rule-tags-hint', autocomplete: 'off' });
  const enabled = h('input', { id: 'rule-enabled', name: 'enabled', type: 'checkbox', checked: rule ? rule.enabled : true });
  const errors = h('div', { id: 'rule-errors', role: 'alert' });
  const form = h('form', { class: 'card rule-form', 'aria-labelledby': 'rule-form-title', novalidate: true },
    h('h2', { id: 'rule-form-title', tabindex: -1 }, rule ? `Edit ${rule.id}` : 'Add a rule'),
    rule?.source === 'default' ? h('p', { class: 'hint' }, 'This is a default rule: saving stores a rule of your organization with the same id, which replaces it.') : null,
    field('rule-id', 'Rule id', id, 'Lower-case letters, digits, dot, dash, underscore.'),
    field('rule-metric', 'Metric', metric), datalist,
    h('div', { class: 'field-row' }, field('rule-condition', 'Condition', condition), field('rule-threshold', 'Threshold', threshold)),
    field('rule-severity', 'Severity', level),
    field('rule-for', 'For', duration, 'How long the value must stay past the threshold: 90s, 5m, 1h (at most 7d).'),
    field('rule-hysteresis', 'Hysteresis', hysteresis, 'Empty: 5 % of the threshold.'),
    field('rule-tags', 'Only series with tags', tags, 'Comma-separated key=value, e.g. segment=smb, plan=growth.'),
    h('div', { class: 'field checkbox' }, enabled, h('label', { for: 'rule-enabled' }, 'Enabled')),
    errors,
    h('div', { class: 'button-row' }, h('button', { type: 'submit', class: 'button primary' }, 'Save rule'), h('a', { class: 'button', href: '#/rules' }, 'Cancel')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const body = { metric_name: metric.value.trim(), severity: level.value, enabled: enabled.checked };
    body[condition.value] = Number(threshold.value);
    const forText = duration.value.trim();
    if (forText) body.for = /^[0-9]+$/.test(forText) ? Number(forText) : forText;
    if (hysteresis.value !== '') body.hysteresis = Number(hysteresis.value);
    const pairs = tags.value.split(',').map((t) => t.trim()).filter(Boolean);
    if (pairs.length) body.tags = Object.fromEntries(pairs.map((p) => [p.split('=')[0].trim(), p.split('=').slice(1).join('=').trim()]));
    if (!id.value.trim() || threshold.value === '' || !body.metric_name) {
      errors.append(h('p', { class: 'form-error' }, 'Rule id, metric and threshold are required.'));
      return;
    }
    try {
      await put(`/api/v1/analytics/alert-rules/${encodeURIComponent(id.value.trim())}`, body);
      announce(`Rule ${id.value.trim()} saved`);
      location.hash = `#/rules?saved=${encodeURIComponent(id.value.trim())}`;
    } catch (error) {
      errors.append(failure(error));
    }
  });
  return form;
}
