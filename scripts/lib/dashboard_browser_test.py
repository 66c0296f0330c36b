"""The dashboard's browser test: headless Chromium (DevTools protocol, scripts/lib/cdp.py)
against a running `churnguard serve --demo`, asserting on the DOM and cross-checking the API.
Run by scripts/test-dashboard; exits non-zero on the first failed check, naming it.

usage: dashboard_browser_test.py BASE_URL API_KEY BACKEND ARTIFACT_DIR SEEDED_AT_EPOCH CHART_TESTS_JS
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from cdp import Browser, CDPError, find_chromium  # noqa: E402

BASE, KEY, BACKEND, ARTIFACTS, SEEDED_AT, CHART_TESTS = sys.argv[1:7]
BASE = BASE.rstrip("/")
SEEDED_AT = int(SEEDED_AT)
HOST = urllib.parse.urlsplit(BASE).netloc
checks = 0


def check(name, condition, detail=""):
    global checks
    if not condition:
        raise AssertionError(f"[{BACKEND}] {name}{': ' + str(detail) if detail else ''}")
    checks += 1
    print(f"  ok  {name}", flush=True)


def api(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method, headers={"X-API-Key": KEY, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            text = answer.read()
            return answer.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, (json.loads(text) if text else None)


def js(value):
    return json.dumps(value)


def main():
    os.makedirs(ARTIFACTS, exist_ok=True)
    status, document = 200, urllib.request.urlopen(BASE + "/openapi.yaml").read().decode()
    has_recommendations = "\n  /api/v1/recommendations:" in document
    browser = Browser(find_chromium())
    page = browser.page()
    tolerated = []  # (substring of a logged error, why it is expected)
    try:
        for domain in ("Runtime", "Log", "Network", "Page", "Accessibility"):
            page.call(f"{domain}.enable")
        page.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        # A zone with daylight-saving time, so times are shown (and ticks placed) in the browser's zone, not UTC.
        page.call("Emulation.setTimezoneOverride", {"timezoneId": "Europe/Berlin"})

        def shot(name):
            page.pump(0.3)
            page.screenshot(os.path.join(ARTIFACTS, f"{BACKEND}-{name}.png"))

        def go(hash_path, ready, what):
            page.evaluate(f"location.hash = {js(hash_path)}")
            return page.wait_for(ready, 90, what)

        def no_pending():
            return "!document.querySelector('main [data-state=loading]')"

        # -- The page and its headers -------------------------------------------------------
        page.navigate(BASE + "/")
        page.wait_for("document.readyState === 'complete' && !!document.querySelector('#api-key')", 30, "the sign-in form")
        check("the page loads at / and shows the sign-in form", True)
        check("times are shown in the browser's zone", page.evaluate("document.querySelector('#zone').textContent") == "Europe/Berlin")

        # -- The chart module's own tests, in this browser ------------------------------------
        result = page.evaluate(open(CHART_TESTS).read(), timeout=60)
        check(f"chart module tests ({result['passed']} passed)", not result["failures"], "; ".join(result["failures"]))

        # -- Sign-in --------------------------------------------------------------------------
        page.evaluate("document.querySelector('#api-key').focus()")
        page.type_text("cg_not_a_real_key_at_all")
        page.evaluate("document.querySelector('form.sign-in button[type=submit]').click()")
        page.wait_for("document.querySelector('#sign-in-error').textContent.length > 0", 30, "the sign-in error")
        check("a wrong key is refused with the API's message", page.evaluate("document.querySelector('#sign-in-error').textContent").find("invalid") >= 0,
              page.evaluate("document.querySelector('#sign-in-error').textContent"))
        tolerated.append(("/api/v1/auth/token", "the wrong key's 401"))
        page.evaluate("document.querySelector('#api-key').value = ''")
        page.evaluate("document.querySelector('#api-key').focus()")
        page.type_text(KEY)
        page.evaluate("document.querySelector('form.sign-in button[type=submit]').click()")
        page.wait_for("!document.querySelector('#nav').hidden", 30, "the navigation after sign-in")
        stored = page.evaluate("JSON.stringify(sessionStorage)")
        check("the session holds an access token, not the key", "token" in stored and KEY not in stored, stored[:80])
        check("nothing is kept in local storage or cookies", page.evaluate("localStorage.length === 0 && document.cookie === ''"))
        check("the key is not in the address", KEY not in page.evaluate("location.href"))
        page.evaluate("window.__sameDocument = true")

        # -- Overview -------------------------------------------------------------------------
        _, metrics = api("GET", "/api/v1/analytics/metrics")
        names = sorted(m["metric_name"] for m in metrics["metrics"])
        page.wait_for(f"document.querySelectorAll('.metric-card').length === {len(names)} && document.querySelectorAll('.metric-card svg path.line').length === {len(names)}", 90, "every metric card with its sparkline")
        check("overview: a card with a sparkline per metric", sorted(page.evaluate("[...document.querySelectorAll('.metric-card')].map(c => c.dataset.metric)")) == names)
        page.wait_for(no_pending(), 90, "the overview's sections")
        _, firing = api("GET", "/api/v1/analytics/alerts?state=firing&limit=5")
        shown = page.evaluate("document.querySelectorAll('#overview-alerts li').length")
        check("overview: the firing alerts of the API", shown == len(firing["alerts"]) and shown > 0, f"{shown} vs {len(firing['alerts'])}")
        _, newest = api("GET", "/api/v1/analytics/anomalies?limit=5")
        links = page.evaluate("[...document.querySelectorAll('#overview-anomalies a')].map(a => decodeURIComponent(a.hash.split('id=')[1]))")
        check("overview: the newest anomalies of the API", links == [a["id"] for a in newest["anomalies"]] and links, links)
        _, insights = api("GET", "/api/v1/insights?limit=3")
        titles = page.evaluate("[...document.querySelectorAll('#overview-insights a')].map(a => a.textContent)")
        check("overview: the top insights", titles == [i["title"] for i in insights["insights"]] and titles, titles)
        if has_recommendations:
            _, recs = api("GET", "/api/v1/recommendations?status=open&limit=3")
            count = page.evaluate("document.querySelectorAll('#overview-recommendations li').length")
            check("overview: the top recommendations with their ROI", count == len(recs["recommendations"]), count)
        else:
            check("overview: recommendations shown as not available", page.evaluate("!!document.querySelector('#overview-recommendations [data-state=unavailable]')"))
            tolerated.append(("/api/v1/recommendations", "the recommendations route is not on this branch"))
        shot("overview")
        accessibility(page, "overview")

        # -- Metric: planted incident, thresholds, hover, table, live point --------------------
        start = (SEEDED_AT // 3600) * 3600 - 45 * 86400
        spike = ((start + (40 * 24 + 14) * 3600) * 1000, (start + (40 * 24 + 20) * 3600) * 1000)
        go("#/metric/support_tickets?res=hour&range=14d", "document.querySelector('#metric-chart svg') && document.querySelector('#live-status').dataset.status === 'live'", "the support_tickets chart and its live stream")
        times = page.evaluate("[...document.querySelectorAll('#metric-chart [data-marker]')].map(m => Number(m.dataset.t))")
        in_spike = [t for t in times if spike[0] <= t < spike[1]]
        check("metric: the planted support-ticket spike is marked as anomalies on the chart", len(in_spike) > 0, f"{len(times)} markers, none in {spike}")
        check("metric: the rules' thresholds are drawn", page.evaluate("document.querySelectorAll('#metric-chart line.threshold').length") >= 1)
        check("metric: the hourly rollups are a line", len(page.evaluate("document.querySelector('#metric-chart path.line').getAttribute('d')")) > 100)
        box = page.evaluate(f"(() => {{ const m = [...document.querySelectorAll('#metric-chart [data-marker]')].find(m => Number(m.dataset.t) === {in_spike[0]}); m.scrollIntoView({{block: 'center'}}); const r = m.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
        page.mouse_move(box[0] - 40, box[1])
        page.mouse_move(box[0], box[1])
        page.wait_for("!document.querySelector('#metric-chart .chart-tooltip').hidden", 10, "the marker's tooltip")
        tip = page.evaluate("document.querySelector('#metric-chart .chart-tooltip').textContent")
        check("metric: hovering an anomaly shows each method's score and the explanation", "score" in tip and "mad" in tip and "support_tickets" in tip, tip[:200])
        page.evaluate("document.querySelector('#metric-chart details.chart-table').open = true")
        page.wait_for("document.querySelectorAll('#metric-chart details.chart-table tbody tr').length > 0", 10, "the chart's table")
        check("metric: the chart has its table alternative", page.evaluate("document.querySelectorAll('#metric-chart details.chart-table tbody tr.marker-row').length") == len(times))
        shot("metric")
        accessibility(page, "metric")
        status, _ = api("POST", "/api/v1/analytics/metrics", {"points": [{"metric_name": "support_tickets", "timestamp": int(time.time()), "value": 4,
                                                                         "tags": {"customer_id": "cust_live", "segment": "smb", "plan": "starter"}}]})
        check("a live point is accepted over HTTP", status == 200, status)
        page.wait_for("document.querySelectorAll('#metric-chart circle.dot[data-series=live]').length === 1", 30, "the live point on the chart")
        check("metric: the live point appears on the chart without a reload", page.evaluate("window.__sameDocument === true"))
        shot("metric-live")
        page.evaluate("document.querySelector('#resolution').value = 'raw'; document.querySelector('#tag-customer_id').value = 'cust_0001'; document.querySelector('form.controls button[type=submit]').click()")
        page.wait_for("location.hash.includes('res=raw') && document.querySelector('#metric-summary').textContent.includes('raw points')", 60, "the raw view of one customer")
        check("metric: raw points with a tag filter", "1 series" in page.evaluate("document.querySelector('#metric-summary').textContent"), page.evaluate("document.querySelector('#metric-summary').textContent"))

        # -- Alerts: acknowledge and snooze in the UI, seen by the API -------------------------
        _, firing_all = api("GET", "/api/v1/analytics/alerts?state=firing&limit=200")
        go("#/alerts?state=firing", "document.querySelectorAll('#alert-list tbody tr').length > 0", "the firing alerts")
        check("alerts: every firing alert of the API is listed", page.evaluate("document.querySelectorAll('#alert-list tbody tr').length") == len(firing_all["alerts"]))
        target = page.evaluate("document.querySelector('#alert-list [data-alert]').dataset.alert")
        page.evaluate("document.querySelector('#alert-list [data-alert]').click()")
        page.wait_for(f"document.querySelector('[data-alert-detail={js(target)}] #ack-form')", 30, "the alert's detail")
        page.evaluate("document.querySelector('#ack-comment').focus()")
        page.type_text("calling them today")
        page.evaluate("document.querySelector('#ack-form button').click()")
        page.wait_for("document.querySelector('#ack-state')", 30, "the acknowledgement")
        _, alert = api("GET", f"/api/v1/analytics/alerts/{urllib.parse.quote(target)}")
        check("alerts: acknowledged in the UI, acknowledged in the API", alert.get("acknowledged_at") and alert.get("acknowledge_comment") == "calling them today", alert)
        page.wait_for(f"document.querySelector('#alert-list [data-alert={js(target)}]')?.closest('tr').textContent.includes('acknowledged')", 30, "the list refreshed")
        check("alerts: the list shows the acknowledgement", True)
        page.evaluate("document.querySelector('#snooze-for').value = '4'; document.querySelector('#snooze-form button').click()")
        page.wait_for("[...document.querySelectorAll('#alert-history li')].some(li => li.textContent.includes('snoozed'))", 30, "the snooze in the history")
        _, alert = api("GET", f"/api/v1/analytics/alerts/{urllib.parse.quote(target)}")
        check("alerts: snoozed in the UI, snoozed in the API", alert.get("snoozed_until") and any(h["event"] == "snoozed" for h in alert["history"]))
        shot("alerts")
        accessibility(page, "alerts")

        # -- Anomalies: detail and feedback ----------------------------------------------------
        go("#/anomalies", "document.querySelectorAll('#anomaly-list tbody tr').length > 0", "the anomaly list")
        _, listed = api("GET", "/api/v1/analytics/anomalies?limit=100")
        check("anomalies: the API's list", page.evaluate("document.querySelectorAll('#anomaly-list tbody tr').length") == len(listed["anomalies"]))
        anomaly = page.evaluate("document.querySelector('#anomaly-list [data-anomaly]').dataset.anomaly")
        page.evaluate("document.querySelector('#anomaly-list [data-anomaly]').click()")
        page.wait_for(f"document.querySelector('[data-anomaly-detail={js(anomaly)}] [data-feedback=true_positive]')", 30, "the anomaly's detail")
        check("anomalies: every method's score is shown", page.evaluate("document.querySelectorAll('#anomaly-detail .bars meter').length") >= 3)
        page.evaluate("document.querySelector('[data-feedback=true_positive]').click()")
        page.wait_for("document.querySelector('[data-feedback=true_positive]').getAttribute('aria-pressed') === 'true'", 30, "the feedback")
        _, stored = api("GET", f"/api/v1/analytics/anomalies/{urllib.parse.quote(anomaly)}")
        check("anomalies: feedback given in the UI is stored", stored["status"] == "true_positive", stored["status"])
        page.wait_for(f"document.querySelector('#anomaly-list [data-anomaly={js(anomaly)}]')?.closest('tr').textContent.includes('true positive')", 30, "the list refreshed")
        check("anomalies: the list shows the feedback", page.evaluate("document.querySelector('#feedback-summary').textContent").find("1 true") >= 0)
        page.wait_for("document.querySelector('#anomaly-detail svg') || document.querySelector('#anomaly-detail [data-state=empty]')", 30, "the anomaly's series chart")
        shot("anomalies")
        accessibility(page, "anomalies")

        # -- Insights --------------------------------------------------------------------------
        _, all_insights = api("GET", "/api/v1/insights?limit=50")
        go("#/insights", "document.querySelectorAll('[data-insight]').length > 0", "the insights")
        check("insights: every insight with its narrative", page.evaluate("[...document.querySelectorAll('[data-insight] .narrative')].map(p => p.textContent)") == [i["narrative"] for i in all_insights["insights"]])
        check("insights: confidence shown", page.evaluate("document.querySelectorAll('[data-insight] meter').length") >= len(all_insights["insights"]))
        if any(i["type"] == "segment_contribution" for i in all_insights["insights"]):
            check("insights: segment-contribution bars", page.evaluate("document.querySelectorAll('.contribution meter').length") >= 2)
        shot("insights")
        accessibility(page, "insights")

        # -- Recommendations -------------------------------------------------------------------
        if has_recommendations:
            _, recs = api("GET", "/api/v1/recommendations?status=open&limit=50")
            go("#/recommendations", "document.querySelector('#recommendation-list') && !document.querySelector('#recommendation-list [data-state=loading]') && (document.querySelector('#recommendation-list [data-recommendation]') || document.querySelector('#recommendation-list [data-state]'))", "the recommendations")
            check("recommendations: the API's open ones", page.evaluate("document.querySelectorAll('[data-recommendation]').length") == len(recs["recommendations"]))
            if recs["recommendations"]:
                rid = recs["recommendations"][0]["id"]
                page.evaluate(f"document.getElementById({js('dismiss-reason-' + rid)}).value = 'not this quarter'; document.querySelector('[data-recommendation={js(rid)}] [data-action=dismiss] button').click()")
                page.wait_for(f"document.querySelector('[data-recommendation={js(rid)}]').dataset.status === 'dismissed'", 30, "the dismissal")
                _, rec = api("GET", f"/api/v1/recommendations/{urllib.parse.quote(rid)}")
                check("recommendations: dismissed in the UI, dismissed in the API", rec["status"] == "dismissed", rec["status"])
        else:
            print("  NOTE recommendations: GET /api/v1/recommendations is not in /openapi.yaml on this build; "
                  "the dismiss step is not run, the view's 'not available' state is checked instead", flush=True)
            go("#/recommendations", "document.querySelector('#recommendation-list [data-state]') && !document.querySelector('#recommendation-list [data-state=loading]')", "the recommendations")
            check("recommendations: the designed 'not available' state", page.evaluate("!!document.querySelector('#recommendation-list [data-state=unavailable]')"))
        shot("recommendations")
        accessibility(page, "recommendations")

        # -- Alert rules: add, edit, delete ----------------------------------------------------
        _, rules = api("GET", "/api/v1/analytics/alert-rules")
        go("#/rules", "document.querySelectorAll('#rule-list tbody tr').length > 0", "the rules")
        check("rules: every rule in effect", page.evaluate("document.querySelectorAll('#rule-list tbody tr').length") == len(rules["rules"]))
        go("#/rules?edit=", "document.querySelector('#rule-id')", "the new-rule form")
        page.evaluate("""(() => { const set = (id, v) => { document.querySelector(id).value = v; };
            set('#rule-id', 'dashboard-test'); set('#rule-metric', 'logins'); set('#rule-condition', 'below');
            set('#rule-threshold', '1'); set('#rule-severity', 'low'); set('#rule-for', '10m'); set('#rule-tags', 'segment=smb');
            document.querySelector('#rule-form button[type=submit]').click(); })()""")
        page.wait_for("document.querySelector('#rule-list [data-rule=\"dashboard-test\"]')", 30, "the new rule in the list")
        status, rule = api("GET", "/api/v1/analytics/alert-rules")
        mine = next((r for r in rule["rules"] if r["id"] == "dashboard-test"), None)
        check("rules: added in the UI, stored by the API", mine and mine["below"] == 1 and mine["for_seconds"] == 600 and mine["tags"] == {"segment": "smb"}, mine)
        shot("rules")
        accessibility(page, "rules")
        go("#/rules?edit=dashboard-test", "document.querySelector('#rule-threshold') && document.querySelector('#rule-threshold').value === '1'", "the edit form")
        page.evaluate("document.querySelector('#rule-threshold').value = '2'; document.querySelector('#rule-form button[type=submit]').click()")
        page.wait_for("location.hash.includes('saved=')", 30, "the saved rule")
        _, rule = api("GET", "/api/v1/analytics/alert-rules")
        check("rules: edited in the UI, changed in the API", next(r for r in rule["rules"] if r["id"] == "dashboard-test")["below"] == 2)
        page.wait_for("document.querySelector('[data-delete=\"dashboard-test\"]')", 30, "the delete button")
        page.evaluate("document.querySelector('[data-delete=\"dashboard-test\"]').click()")
        check("rules: delete asks first", page.evaluate("document.querySelector('[data-delete=\"dashboard-test\"]').textContent").startswith("Press again"))
        page.evaluate("document.querySelector('[data-delete=\"dashboard-test\"]').click()")
        page.wait_for("location.hash.includes('deleted=') && !document.querySelector('[data-delete=\"dashboard-test\"]') && document.querySelectorAll('#rule-list tbody tr').length > 0", 30, "the deletion")
        _, rule = api("GET", "/api/v1/analytics/alert-rules")
        check("rules: deleted in the UI, gone from the API", all(r["id"] != "dashboard-test" for r in rule["rules"]))

        # -- A phone ---------------------------------------------------------------------------
        page.call("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
        go("#/", "document.querySelectorAll('.metric-card svg').length > 0", "the overview on a phone")
        page.wait_for(no_pending(), 60, "the overview's sections")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        check("phone: the overview fits the screen's width", overflow <= 1, f"{overflow}px too wide")
        shot("overview-phone")
        go("#/alerts?state=firing", "document.querySelectorAll('#alert-list tbody tr').length > 0", "alerts on a phone")
        check("phone: the alerts page fits (tables scroll inside their region)", page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1)
        page.call("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

        # -- Sign-out --------------------------------------------------------------------------
        page.evaluate("document.querySelector('#sign-out').click()")
        page.wait_for("document.querySelector('#api-key')", 10, "the sign-in form after sign-out")
        check("sign-out clears the session", page.evaluate("sessionStorage.length === 0"))

        # -- Console and network ---------------------------------------------------------------
        page.pump(0.5)
        unexpected = [e for e in page.console_errors
                      if not (e["kind"] == "log" and e.get("source") == "network" and any(t in (e.get("url") or "") for t, _ in tolerated))]
        check("no console errors", not unexpected, unexpected)
        foreign = [u for u in page.requests if urllib.parse.urlsplit(u).scheme not in ("data", "blob") and urllib.parse.urlsplit(u).netloc != HOST]
        check(f"no request leaves the host ({len(page.requests)} requests, all to {HOST})", not foreign, foreign[:5])
        print(f"[{BACKEND}] dashboard browser test: {checks} checks passed; screenshots in {ARTIFACTS}", flush=True)
    except (AssertionError, CDPError):
        # What the page showed when it failed: a screenshot and the main area's text.
        try:
            page.screenshot(os.path.join(ARTIFACTS, f"{BACKEND}-failure.png"))
            print("page at the failure (" + str(page.evaluate("location.hash")) + "):\n"
                  + str(page.evaluate("document.querySelector('main').innerText"))[:3000], file=sys.stderr, flush=True)
            print("console errors: " + json.dumps(page.console_errors)[:2000], file=sys.stderr, flush=True)
        except Exception as error:  # the browser itself may be gone
            print(f"(no page state: {error})", file=sys.stderr)
        raise
    finally:
        page.close()
        browser.close()


def accessibility(page, view):
    """Names, focus order and visible focus, contrast, table alternatives: on the current view."""
    tree = page.call("Accessibility.getFullAXTree")["nodes"]
    interactive = {"button", "link", "textbox", "combobox", "checkbox", "listbox", "spinbutton", "searchbox", "radio", "switch", "slider", "menuitem"}
    unnamed = []
    for node in tree:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in interactive:
            continue
        if not str(node.get("name", {}).get("value", "")).strip():
            unnamed.append(role)
    check(f"{view}: every control has an accessible name", not unnamed, unnamed)

    # Focus order: Tab from the top visits elements in document order, each with a visible outline.
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); document.body.focus()")
    page.evaluate("(() => { const a = document.querySelector('.skip-link'); a.focus(); a.blur(); })()")
    seen = []
    for _ in range(25):
        page.key("Tab", "Tab", 9)
        info = page.evaluate("""(() => { const e = document.activeElement; if (!e || e === document.body) return null;
            const all = [...document.querySelectorAll('*')]; const s = getComputedStyle(e);
            const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'
              || (e.matches('[data-marker]') && getComputedStyle(e.querySelector('circle')).strokeWidth !== '2px');
            return {index: all.indexOf(e), ring, name: e.tagName + (e.id ? '#' + e.id : '')}; })()""")
        if info is None:
            break
        seen.append(info)
    order = [s["index"] for s in seen]
    wrapped = next((i for i in range(1, len(order)) if order[i] < order[i - 1]), len(order))
    check(f"{view}: Tab moves through the page in document order", len(seen) >= 5 and order[:wrapped] == sorted(order[:wrapped]) and wrapped >= min(len(order), 8),
          [s["name"] for s in seen])
    check(f"{view}: focus is visible on every focused element", all(s["ring"] for s in seen), [s["name"] for s in seen if not s["ring"]])

    # Contrast of every visible text, from the rendered styles (WCAG 2.1: 4.5:1, large text 3:1).
    failures = page.evaluate(CONTRAST_JS)
    check(f"{view}: text contrast passes WCAG AA", not failures, failures[:5])
    charts = page.evaluate("document.querySelectorAll('main figure.chart:not(.chart-compact)').length")
    tables = page.evaluate("document.querySelectorAll('main figure.chart:not(.chart-compact) details.chart-table').length")
    check(f"{view}: every chart has its table alternative ({charts})", charts == tables)


CONTRAST_JS = r"""
(() => {
  const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const blend = (top, bottom) => { const a = top[3]; return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1); };
  const background = (el) => { const layers = []; for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e); const c = parse(s.backgroundColor); if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let color = [255, 255, 255, 1]; for (const layer of layers.reverse()) color = blend(layer, color); return color; };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || el.closest('[hidden], .visually-hidden, title, desc, option, script, style, noscript')) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || parseFloat(s.opacity) === 0) continue;
    const svgText = el instanceof SVGElement;
    const fg = parse(svgText ? s.fill : s.color);
    if (!fg) continue;
    const bg = background(svgText ? el.ownerSVGElement.parentElement : el);
    const color = blend(fg, bg);
    const [a, b] = [lum(color), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(s.fontSize); const bold = Number(s.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) failures.push(`${el.tagName}.${el.className?.baseVal ?? el.className} "${node.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)} < ${needed}`);
  }
  return failures;
})()
"""

if __name__ == "__main__":
    try:
        main()
    except (AssertionError, CDPError) as failure:
        print(f"FAILED: {failure}", file=sys.stderr, flush=True)
        sys.exit(1)
