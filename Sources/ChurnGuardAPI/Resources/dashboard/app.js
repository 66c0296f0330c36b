// The dashboard's entry point: sign-in, the navigation and the hash router. Every view is a
// module under /static/views/ exporting `render(main, params)` (and optionally a cleanup).
import { setUnauthorizedHandler } from './lib/api.js';
import { announce, h, timeZone } from './lib/dom.js';
import { clearSession, currentSession, signIn } from './lib/session.js';

const routes = {
  '': { module: './views/overview.js', title: 'Overview', nav: 'overview' },
  metric: { module: './views/metric.js', title: 'Metric', nav: 'overview' },
  alerts: { module: './views/alerts.js', title: 'Alerts', nav: 'alerts' },
  anomalies: { module: './views/anomalies.js', title: 'Anomalies', nav: 'anomalies' },
  insights: { module: './views/insights.js', title: 'Insights', nav: 'insights' },
  recommendations: { module: './views/recommendations.js', title: 'Recommendations', nav: 'recommendations' },
  rules: { module: './views/rules.js', title: 'Alert rules', nav: 'rules' },
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
let cleanup = null;
let signInMessage = '';

document.getElementById('zone').textContent = timeZone;

/** `#/metric/churn_risk_score?res=hour` → {name: 'metric', rest: ['churn_risk_score'], query}. */
function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, queryText = ''] = hash.split('?');
  const [name = '', ...rest] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name, rest, query: new URLSearchParams(queryText) };
}

function renderSignIn() {
  nav.hidden = true;
  signOutButton.hidden = true;
  document.title = 'Sign in · ChurnGuard dashboard';
  const error = h('p', { class: 'form-error', id: 'sign-in-error', role: 'alert' }, signInMessage);
  const input = h('input', {
    id: 'api-key', name: 'api-key', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'api-key-hint sign-in-error',
  });
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const form = h('form', { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: -1 }, 'Sign in'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { class: 'hint', id: 'api-key-hint' },
      'Paste an API key of your organization (serve --demo prints one). It is exchanged for a short-lived access token kept in this tab only; the key itself is not stored.'),
    error,
    button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = '';
    try {
      await signIn(input.value.trim());
      input.value = '';
      signInMessage = '';
      announce('Signed in');
      route();
    } catch (failure) {
      error.textContent = `${failure.message}${failure.code ? ` (${failure.code})` : ''}`;
      button.disabled = false;
      input.focus();
    }
  });
  main.replaceChildren(form);
  input.focus();
}

async function route() {
  cleanup?.();
  cleanup = null;
  if (!currentSession()) { renderSignIn(); return; }
  nav.hidden = false;
  signOutButton.hidden = false;
  const { name, rest, query } = parseHash();
  const entry = routes[name] ?? null;
  for (const link of nav.querySelectorAll('a')) {
    if (entry && link.dataset.nav === entry.nav && (name !== 'metric')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!entry) {
    main.replaceChildren(h('h1', { tabindex: -1 }, 'Not found'), h('p', {}, 'There is no such page. ', h('a', { href: '#/' }, 'Go to the overview.')));
    main.querySelector('h1').focus();
    return;
  }
  document.title = `${entry.title} · ChurnGuard dashboard`;
  main.dataset.view = name || 'overview';
  const view = await import(entry.module);
  main.replaceChildren();
  cleanup = (await view.render(main, { rest, query })) ?? null;
  // Focus moves to the new page's heading, so keyboard and screen-reader users start there.
  main.querySelector('h1')?.focus({ preventScroll: false });
}

signOutButton.addEventListener('click', () => {
  clearSession();
  signInMessage = 'You signed out.';
  announce('Signed out');
  location.hash = '#/';
  route();
});

setUnauthorizedHandler((message) => {
  signInMessage = message ?? 'Sign in to continue.';
  renderSignIn();
});

window.addEventListener('hashchange', route);
route();
