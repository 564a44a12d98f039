// Browser tests: the dashboard in real headless Chromium (Debian's chromium, driven by playwright-core), with screenshots in artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../simulator/app.js';
import { Runtime } from '../simulator/runtime.js';
import { createControl } from '../simulator/control/api.js';
import { createControlRouter } from '../simulator/control/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createSimulator, SimClock, type Simulator } from '../simulator/index.js';
import { demoConfig, startDemo } from '../simulator/demo/index.js';
import { uiState } from '../simulator/ui/index.js';
import type { ConfigFile } from '../simulator/config.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = 'artifacts';
const T0 = Date.parse('2026-11-02T15:00:00Z');
const M = '123-ABC-456';

const CONFIG: ConfigFile = {
  seed: 4,
  instances: [
    {
      munchkinId: M,
      name: 'Acme Marketing',
      leads: 120,
      imsOrgId: 'ABCDEF0123456789ABCDEF01@AdobeOrg',
      partitions: [
        { name: 'North America', description: '' },
        { name: 'EMEA', description: '' },
      ],
      workspaces: [{ name: 'World', description: '', partitions: ['Default', 'North America', 'EMEA'] }],
      services: [{ name: 'Default API service' }, { name: 'AEP', inputSource: 'Adobe Experience Platform' }],
      blocks: { leadSource: ['Adobe Experience Platform'] },
    },
  ],
};

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}. The browser tests need Debian's chromium package: apt-get install chromium (.ci/run installs it).`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
});

interface Session {
  sim: Simulator;
  base: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors (a test fails on any). */
  errors: string[];
  /** Requests the page made to anything but the emulator (must stay empty: no CDN, works offline). */
  foreign: string[];
}

const sessions: Session[] = [];

/** The laptop screen the dashboard is made for. */
const LAPTOP = { width: 1366, height: 768 };

async function open(sim: Simulator, hash = '', viewport = { width: 1440, height: 900 }): Promise<Session> {
  let base: string;
  try {
    base = sim.url;
  } catch {
    base = await sim.listen(0, '127.0.0.1');
  }
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // Fail on the step that hangs, well within the test timeout.
  page.setDefaultTimeout(8_000);
  const session: Session = { sim, base, context, page, errors: [], foreign: [] };
  sessions.push(session);
  page.on('pageerror', (e) => session.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') session.errors.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith('data:')) session.foreign.push(r.url());
  });
  await page.goto(`${base}/__sim/ui/${hash}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#conn.live');
  return session;
}

afterEach(async () => {
  for (const s of sessions.splice(0)) {
    await s.context.close();
    await s.sim.close();
    expect(s.errors).toEqual([]);
    expect(s.foreign).toEqual([]);
  }
});

function frozenSim(config: ConfigFile = CONFIG): Simulator {
  return createSimulator({ config, clock: new SimClock({ start: T0, frozen: true }) });
}

async function tokenFor(s: Session, serviceIndex = 0): Promise<string> {
  const service = s.sim.runtime.firstInstance().services[serviceIndex];
  const res = await fetch(`${s.base}/identity/oauth/token?grant_type=client_credentials&client_id=${service.clientId}&client_secret=${service.clientSecret}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('the dashboard in Chromium', () => {
  it('loads the overview with the instance, its partitions, services, dedupe rule, limits, org mapping and HIPAA flag', async () => {
    const withSecond: ConfigFile = { ...CONFIG, instances: [...CONFIG.instances, { munchkinId: '222-BBB-222', hipaaReady: true, dedupe: { partitionScoped: true } }] };
    const s = await open(frozenSim(withSecond));
    const { page } = s;
    await page.waitForSelector('dd[data-fact="hipaa"]');
    expect(await page.textContent('#ov-instance')).toBe('Acme Marketing123-ABC-456');
    expect(await page.textContent('dd[data-fact="hipaa"]')).toBe('no');
    expect(await page.textContent('dd[data-fact="org-mapping"]')).toContain('ABCDEF0123456789ABCDEF01@AdobeOrg');
    expect(await page.textContent('dd[data-fact="dedupe"]')).toBe('Instance-wide on the lookup field (one lead per email across partitions)');
    expect(await page.textContent('dd[data-fact="limits"]')).toBe('100 calls / 20 s · 10 concurrent · 50,000 / day · 300 records per call');
    const partitions = await page.$$eval('table[aria-label="Partitions"] tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.querySelector('a')?.textContent ?? td.textContent)));
    expect(partitions).toEqual([
      ['Default', '1', '120'],
      ['North America', '2', '0'],
      ['EMEA', '3', '0'],
    ]);
    const workspaces = await page.$$eval('table[aria-label="Workspaces"] tbody tr', (rows) => rows.map((r) => Array.from(r.children).map((c) => c.textContent)));
    expect(workspaces).toEqual([
      ['Default', 'Default'],
      ['World', 'Default, North America, EMEA'],
    ]);
    const services = await page.$$eval('table[aria-label="Services"] tbody tr td:nth-child(2)', (cells) => cells.map((c) => c.textContent));
    expect(services).toEqual(['Web service API', 'Adobe Experience Platform']);
    expect(await page.$$eval('table[aria-label="Services"] tbody tr td:nth-child(4) summary', (cells) => cells.map((c) => c.textContent))).toEqual([
      '21 permissions · read-write person',
      '21 permissions · read-write person',
    ]);
    expect(await page.textContent('h1')).toBe('Marketo Engage emulatordashboard');
    expect(await page.textContent('#clock-time')).toBe('2026-11-02 15:00:00 UTC');
    await page.waitForSelector('.usage-chart[data-chart="Calls in the 20 s window"]');
    expect(await page.$eval('.other-instance', (e) => (e as HTMLElement).dataset.instance)).toBe('222-BBB-222');
    await page.screenshot({ path: `${ARTIFACTS}/ui-overview.png` });

    // The other instance, picked from the header.
    await page.selectOption('#instance-select', '222-BBB-222');
    await page.waitForFunction(() => document.querySelector('#ov-instance')?.textContent === 'Instance222-BBB-222');
    expect(await page.textContent('dd[data-fact="hipaa"]')).toBe('yes — AEP integrations refused');
    expect(await page.textContent('dd[data-fact="org-mapping"]')).toBe('not mapped');
    expect(await page.textContent('dd[data-fact="dedupe"]')).toBe('Partition is part of the dedupe rule (same email may live in several partitions)');
  });

  it('searches a lead, sorts the table and opens the lead by keyboard with its fields and activity history', async () => {
    const s = await open(frozenSim(), '#/leads');
    const { page } = s;
    const target = s.sim.runtime.firstInstance().leads.get(42)!;
    const email = String(target.values.email);
    await page.waitForSelector('#lead-table tbody tr');
    expect(await page.textContent('#lead-summary')).toBe('1–50 of 120 leads');

    await page.fill('#lead-search', email.slice(0, email.indexOf('@')).toUpperCase());
    await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent?.startsWith('1–1 of 1 leads'));
    expect(await page.$$eval('#lead-table tbody tr td:nth-child(2)', (cells) => cells.map((c) => c.textContent))).toEqual([email]);

    await page.fill('#lead-search', '');
    await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent === '1–50 of 120 leads');
    await page.click('button[data-sort="lastName"]');
    await page.waitForSelector('th[aria-sort="ascending"] button[data-sort="lastName"]');
    const names = await page.$$eval('#lead-table tbody tr td:nth-child(4)', (cells) => cells.map((c) => c.textContent!.toLowerCase()));
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await page.click('#lead-next');
    await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent === '51–100 of 120 leads');

    // Keyboard: focus the lead's link, Enter opens the detail, Escape closes it and gives focus back.
    await page.fill('#lead-search', email);
    await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent?.startsWith('1–1 of 1 leads'));
    await page.focus('a[aria-label="Lead 42: open detail"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lead-detail:not([hidden]) #lead-activities');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lead-detail');
    expect(await page.textContent('#detail-title')).toBe('Lead 42');
    expect(await page.textContent('#lead-detail [data-field="email"]')).toBe(email);
    expect(await page.$$eval('#lead-activities tbody tr', (rows) => rows.map((r) => r.children[1].textContent))).toEqual(['New Lead']);
    await page.screenshot({ path: `${ARTIFACTS}/ui-lead-search.png` });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#lead-detail', { state: 'hidden' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Lead 42: open detail');
  });

  it('toggles a block rule from the page, and the next write to that field is dropped and shown in the feed', async () => {
    const s = await open(frozenSim(), '#/fields');
    const { page } = s;
    const lead = s.sim.runtime.firstInstance().leads.get(5)!;
    const title = String(lead.values.title);
    const city = String(lead.values.city);
    await page.fill('#field-filter', 'title');
    const box = 'input[aria-label="Block Web service API updates to title"]';
    await page.waitForSelector(box);
    expect(await page.isChecked(box)).toBe(false);
    await page.check(box);
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'title: updates from Web service API are now blocked');
    const blocks = await (await fetch(`${s.base}/__sim/instances/${M}/fields/title/blocks`)).json();
    expect(blocks).toEqual({ field: 'title', sources: ['Web service API'] });
    await page.screenshot({ path: `${ARTIFACTS}/ui-fields-block.png` });

    const token = await tokenFor(s);
    const write = await fetch(`${s.base}/rest/v1/leads.json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ lookupField: 'id', action: 'updateOnly', input: [{ id: 5, title: 'Chief Dropped Officer', city: 'Springfield' }] }),
    });
    expect(((await write.json()) as { result: unknown[] }).result).toEqual([{ id: 5, status: 'updated' }]);

    await page.goto(`${s.base}/__sim/ui/#/feed`);
    const entry = 'li[data-kind="blocked-write"] .msg';
    await page.waitForSelector(entry);
    expect(await page.$eval(entry, (m) => m.firstChild!.textContent)).toBe(`blocked update of title on lead 5 from 'Web service API': kept ${JSON.stringify(title)}, dropped "Chief Dropped Officer"`);

    await page.goto(`${s.base}/__sim/ui/#/leads/5`);
    await page.waitForSelector('#lead-detail [data-field="title"]');
    expect(await page.textContent('#lead-detail [data-field="title"]')).toBe(title);
    expect(await page.textContent('#lead-detail [data-field="city"]')).toBe('Springfield');
    const cdv = await page.$$eval('#lead-activities tbody tr[data-type="13"] td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
    expect(cdv).toEqual([`city: ${city}→Springfield`]);
  });

  it('injects a fault from the Controls tab and shows it firing in the live feed', async () => {
    const s = await open(frozenSim(), '#/controls');
    const { page } = s;
    await page.waitForSelector('#fault-code option[value="606"]', { state: 'attached' });
    await page.selectOption('#fault-effect', 'error');
    await page.selectOption('#fault-code', '606');
    await page.selectOption('#fault-method', 'GET');
    await page.fill('#fault-path', '/rest/v1/leads.json');
    await page.click('#fault-add');
    await page.waitForSelector('#fault-list tr[data-fault="1"]');
    expect(await page.$$eval('#fault-list tr[data-fault="1"] td', (cells) => cells.slice(0, 5).map((c) => c.textContent))).toEqual([
      '1',
      'error 606',
      '123-ABC-456 GET /rest/v1/leads.json',
      '1',
      '0',
    ]);

    const token = await tokenFor(s);
    const res = await fetch(`${s.base}/rest/v1/leads.json?filterType=id&filterValues=1`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }]);
    await page.waitForSelector('#fault-list p.muted');
    expect(await page.textContent('#fault-list')).toBe('No active faults.');

    await page.click('a[data-tab="feed"]');
    await page.waitForSelector('li[data-kind="fault"]');
    expect(await page.textContent('li[data-kind="fault"] .msg')).toMatch(/^fault 1 \(error\) fired on GET \/rest\/v1\/leads\.json/);
    const requests = await page.$$eval('li[data-kind="request"] .msg', (items) => items.map((i) => `${i.firstChild!.textContent} by ${i.querySelector('.who')?.textContent}`));
    expect(requests).toContain('GET /rest/v1/leads.json -> 200 606 by Default API service');
    await page.screenshot({ path: `${ARTIFACTS}/ui-feed-fault.png` });

    // Without API calls and control-plane changes, only the fault is left.
    await page.uncheck('input[data-kind="request"]');
    await page.uncheck('input[data-kind="control"]');
    expect(await page.$$eval('#feed-list li', (items) => items.map((i) => (i as HTMLElement).dataset.kind))).toEqual(['fault']);
  });

  it('clears a fault injected until cleared, and calls are answered normally again', async () => {
    const s = await open(frozenSim(), '#/controls');
    const { page } = s;
    await page.selectOption('#fault-effect', 'httpStatus');
    await page.fill('#fault-status', '503');
    await page.check('#fault-until-cleared');
    await page.click('#fault-add');
    await page.waitForSelector('#fault-list tr[data-fault="1"]');
    expect(await page.$$eval('#fault-list tr[data-fault="1"] td', (cells) => cells.slice(1, 5).map((c) => c.textContent))).toEqual(['HTTP 503', '123-ABC-456', '∞', '0']);
    const token = await tokenFor(s);
    const call = () => fetch(`${s.base}/rest/v1/leads.json?filterType=id&filterValues=1`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(503);
    expect((await call()).status).toBe(503);
    await page.waitForFunction(() => document.querySelector('#fault-list tr[data-fault="1"] td:nth-child(5)')?.textContent === '2');
    await page.click('button[aria-label="Clear fault 1"]');
    await page.waitForFunction(() => document.querySelector('#fault-list')?.textContent === 'No active faults.');
    expect(await page.textContent('#toast')).toBe('Fault 1 cleared');
    const after = await call();
    expect(after.status).toBe(200);
    expect(((await after.json()) as { success: boolean }).success).toBe(true);
  });

  it('runs a built-in scenario from the page and shows its result step by step', async () => {
    const s = await open(frozenSim(), '#/controls');
    const { page } = s;
    const id = 'scenarios/library/dedup-email.yaml#0';
    await page.waitForSelector(`#scenario-select option[value="${id}"]`, { state: 'attached' });
    await page.selectOption('#scenario-select', id);
    await page.click('#scenario-run');
    await page.waitForSelector('#scenario-result [data-status]', { timeout: 20_000 });
    expect(await page.$eval('#scenario-result [data-status]', (p) => `${(p as HTMLElement).dataset.status}: ${p.firstChild!.textContent}${p.childNodes[1].textContent}`)).toBe('passed: PASSED Dedup on email alone');
    const steps = await page.$$eval('#scenario-result ol > li', (items) => items.map((i) => `${i.querySelector('.badge')!.textContent} ${i.querySelector('code')!.textContent}`));
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.every((st) => st.startsWith('passed '))).toBe(true);
    expect(steps[steps.length - 1]).toBe('passed then');
    expect(await page.isEnabled('#scenario-run')).toBe(true);
    // Played in its own emulator: this one is untouched.
    expect(s.sim.runtime.firstInstance().leads.size).toBe(120);
    await page.screenshot({ path: `${ARTIFACTS}/ui-scenario-run.png` });
  });

  it('advances the clock and resets the emulator from the Controls tab', async () => {
    const s = await open(frozenSim(), '#/controls');
    const { page } = s;
    await page.click('button[data-advance="3600000"]');
    await page.waitForFunction(() => document.querySelector('#clock-state')?.textContent?.startsWith('2026-11-02 16:00:00 UTC'));
    expect(s.sim.runtime.clock.now()).toBe(T0 + 3_600_000);
    s.sim.control.insertLeads(M, { partition: 'EMEA', leads: [{ email: 'extra@x.com' }] });
    expect(s.sim.runtime.firstInstance().leads.size).toBe(121);
    await page.click('#reset');
    expect(await page.textContent('#reset')).toBe('Press again to reset');
    await page.click('#reset');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'Reset: 123-ABC-456 back to the seeded state');
    expect(s.sim.runtime.firstInstance().leads.size).toBe(120);
  });

  it('works behind the admin token when opened with ?admin_token=', async () => {
    const runtime = new Runtime({ seed: 1, leads: 7, clock: new SimClock({ start: T0, frozen: true }) });
    const app = createApp(runtime, { control: createControlRouter(runtime, createControl(runtime), { required: true, token: 'tok3n' }) });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(8_000);
      await page.goto(`${base}/__sim/ui/?admin_token=tok3n#/leads`);
      await page.waitForSelector('#conn.live');
      await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent === '1–7 of 7 leads');
      await fetch(`${base}/rest/v1/leads.json`);
      await page.click('a[data-tab="feed"]');
      await page.waitForSelector('li[data-kind="request"]');
      expect(await page.$eval('li[data-kind="request"] .msg', (m) => m.firstChild!.textContent)).toBe('GET /rest/v1/leads.json -> 200 600');
    } finally {
      await context.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      runtime.clock.dispose();
    }
  });

  it('shows the demo at laptop size: every step result in full, its leads one click away, counts, usage and throughput', async () => {
    const sim = createSimulator({ config: demoConfig(1), clock: new SimClock({ start: T0, frozen: true, autoAdvance: true }) });
    await sim.listen(0, '127.0.0.1');
    const demo = await startDemo(sim, { seed: 1, ambient: false });
    const steps = await demo.script;
    try {
      const s = await open(sim, '', LAPTOP);
      const { page } = s;
      await page.waitForSelector('#demo-timeline li[data-step="recovery"][data-state="done"]');
      const states = await page.$$eval('#demo-timeline li', (items) => items.map((i) => `${(i as HTMLElement).dataset.step}:${(i as HTMLElement).dataset.state}`));
      expect(states).toEqual(['setup', 'partition-move', 'backfill', 'create', 'duplicate', 'blocked', 'ambiguous', 'rejected', 'rate-limit', 'recovery'].map((id) => `${id}:done`));
      // Each result is on the page in full: not cut off, not replaced by an ellipsis.
      const shown = await page.$$eval('#demo-timeline .result', (items) => items.map((i) => ({ text: i.firstChild!.textContent, cut: i.scrollWidth > i.clientWidth || i.scrollHeight > i.clientHeight + 1 })));
      expect(shown).toEqual(steps.map((st) => ({ text: st.result, cut: false })));
      const tiles = await page.$$eval('.run-summary .tile', (items) => items.map((t) => `${(t as HTMLElement).dataset.outcome}=${t.querySelector('.n')!.textContent}`));
      expect(tiles).toEqual(['created=4', 'updated=12', 'skipped=1', 'rejected=1', 'failed=0']);
      // With a run reporting, its counts and the usage charts lead the first column, beside the timeline.
      const firstColumn = await page.$$eval('#main > .grid > .grid:first-child > section', (panels) => panels.map((p) => p.getAttribute('aria-labelledby')));
      expect(firstColumn).toEqual(['ov-run', 'ov-usage', 'ov-instance', 'ov-structure', 'ov-services']);
      const rateWindow = await page.$eval('.usage-chart[data-chart="Calls in the 20 s window"]', (c) => ({ peak: (c as HTMLElement).dataset.peak, marks: c.querySelectorAll('circle').length }));
      expect(rateWindow.peak).toBe('100');
      expect(rateWindow.marks).toBeGreaterThan(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}/ui-demo-overview.png`, fullPage: true });

      // The blocked write's lead: the title kept, blocked for AEP, and only the city changed by AEP in its history.
      const blocked = steps.find((st) => st.id === 'blocked')!;
      // The timeline is redrawn on every demo update; a keyboard user on one of its links keeps the focus.
      const link = `#demo-timeline li[data-step="blocked"] a[href="#/leads/${blocked.leadIds[0]}"]`;
      await page.focus(link);
      await page.$eval(link, (a) => a.setAttribute('data-before-redraw', ''));
      const recovery = steps[steps.length - 1];
      uiState(sim.runtime).demo.finish(recovery.id, sim.runtime.clock.now(), recovery.result!, false, recovery.leadIds);
      await page.waitForFunction((selector) => document.querySelector(selector)?.hasAttribute('data-before-redraw') === false, link);
      expect(await page.evaluate((selector) => document.activeElement === document.querySelector(selector), link)).toBe(true);
      await page.click(`#demo-timeline li[data-step="blocked"] a[href="#/leads/${blocked.leadIds[0]}"]`);
      await page.waitForSelector('#lead-detail:not([hidden]) #lead-activities');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('lead-detail');
      expect(await page.textContent('#lead-detail [data-field="title"]')).toBe('VP Marketing');
      expect(await page.textContent('#lead-detail tr:has([data-field="title"]) .badge')).toBe('Adobe Experience Platform');
      const changes = await page.$$eval('#lead-activities tbody tr[data-type="13"]', (rows) => rows.map((r) => `${r.children[2].querySelector('code')!.textContent} by ${r.children[3].firstChild!.textContent}`));
      expect(changes).toEqual(['city by Adobe Experience Platform']);
      const dropped = await page.$$eval('#lead-blocked tbody tr', (rows) => rows.map((r) => Array.from(r.children).slice(1).map((c) => c.firstChild!.textContent)));
      expect(dropped).toEqual([['title', 'VP Marketing', 'Chief Marketing Officer', 'Adobe Experience Platform']]);
      await page.screenshot({ path: `${ARTIFACTS}/ui-demo-blocked-lead.png` });

      // The partition move: lead 1's history says where it went and who moved it.
      await page.click('a[data-tab="overview"]');
      await page.click('#demo-timeline li[data-step="partition-move"] a[href="#/leads/1"]');
      await page.waitForFunction(() => document.querySelector('#detail-title')?.textContent === 'Lead 1' && document.querySelector('#lead-activities tr[data-type="100"]') !== null);
      expect(await page.$eval('#lead-activities tr[data-type="100"]', (r) => Array.from(r.children).slice(1).map((c) => c.textContent))).toEqual([
        'Change Lead Partition',
        'Default→EMEA',
        expect.stringMatching(/^Web service API/),
      ]);

      await page.click('a[data-tab="runs"]');
      await page.waitForSelector('#outcome-table tbody tr[data-outcome]');
      await page.selectOption('#outcome-filter', 'skipped');
      await page.waitForFunction(() => document.querySelectorAll('#outcome-table tbody tr[data-outcome]').length === 1 && document.querySelector('#outcome-table tbody tr[data-outcome="skipped"]') !== null);
      expect(await page.textContent('#outcome-table tbody tr td:nth-child(4)')).toMatch(/^AMBIGUOUS_MATCH 2 leads in partition 'North America'/);
      await page.screenshot({ path: `${ARTIFACTS}/ui-demo-runs.png` });
    } finally {
      await demo.stop();
    }
  });

  it('shows a rate-limit episode that happened before the page was opened (usage is sampled with nobody watching)', async () => {
    const sim = frozenSim();
    const base = await sim.listen(0, '127.0.0.1');
    sim.runtime.firstInstance().settings.limits.ratePer20s = 5;
    const service = sim.runtime.firstInstance().services[0];
    const token = ((await (await fetch(`${base}/identity/oauth/token?grant_type=client_credentials&client_id=${service.clientId}&client_secret=${service.clientSecret}`)).json()) as { access_token: string }).access_token;
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const body = (await (await fetch(`${base}/rest/v1/leads.json?filterType=id&filterValues=1`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { errors?: { code: string }[] };
      codes.push(body.errors?.[0]?.code ?? 'ok');
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', '606', '606']);
    sim.runtime.clock.advance(30_000);
    const s = await open(sim, '', LAPTOP);
    const chart = '.usage-chart[data-chart="Calls in the 20 s window"]';
    await s.page.waitForSelector(chart);
    expect(await s.page.$eval(chart, (c) => ({ ...(c as HTMLElement).dataset, title: c.querySelector('.chart-title')!.textContent }))).toEqual({
      chart: 'Calls in the 20 s window',
      latest: '0',
      peak: '5',
      title: 'Calls in the 20 s windowpeak 5 · now 0 / 5',
    });
    expect(await s.page.$$eval(`${chart} circle`, (marks) => marks.length)).toBe(1);
    expect(await s.page.textContent('#usage-range')).toBe('15:00:00–15:00:30 UTC');
  });

  it('uses the lead table width when no lead is open, and makes room for an open lead without a horizontal scrollbar', async () => {
    const s = await open(frozenSim(), '#/leads', LAPTOP);
    const { page } = s;
    await page.waitForSelector('#lead-table tbody tr[data-lead-id]');
    const width = () => page.$eval('#lead-table', (t) => t.getBoundingClientRect().width);
    expect(await width()).toBeGreaterThan(1200);
    expect(await page.$$eval('#lead-table thead th', (ths) => ths.filter((th) => getComputedStyle(th).display !== 'none').map((th) => th.textContent))).toEqual([
      'Id▲',
      'Email↕',
      'First name↕',
      'Last name↕',
      'Company↕',
      'Partition',
      'Updated (UTC)↕',
    ]);
    await page.click('a[aria-label="Lead 7: open detail"]');
    await page.waitForSelector('#lead-detail:not([hidden]) #lead-activities');
    expect(await page.$$eval('#lead-table thead th', (ths) => ths.filter((th) => getComputedStyle(th).display !== 'none').map((th) => th.textContent))).toEqual(['Id▲', 'Email↕', 'Last name↕', 'Partition']);
    const fits = await page.$$eval('.table-wrap', (wraps) => wraps.every((w) => w.scrollWidth <= w.clientWidth));
    expect(fits).toBe(true);
    const [table, detail] = await Promise.all([page.$eval('#lead-table', (t) => t.getBoundingClientRect()), page.$eval('#lead-detail', (d) => d.getBoundingClientRect())]);
    expect(detail.left).toBeGreaterThan(table.right);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/ui-lead-detail-laptop.png` });
  });

  it('says why the first sort by a column is slow, and never lets a late answer replace the page asked for after it', async () => {
    const s = await open(frozenSim(), '#/leads');
    const { page } = s;
    await page.waitForSelector('#lead-table tbody tr[data-lead-id]');
    // Hold the answer to the email sort (at 1M leads its first build takes seconds) until the last-name sort has been shown.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldSeen = false;
    await page.route(/\/leads\?.*sort=email/, async (route) => {
      heldSeen = true;
      await held;
      await route.continue();
    });
    await page.click('button[data-sort="email"]');
    await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent?.startsWith('Loading…'));
    expect(await page.textContent('#lead-summary')).toBe('Loading… the first sort or search by email builds its index once (a few seconds at a million leads).');
    expect(await page.getAttribute('.table-wrap.tall', 'aria-busy')).toBe('true');
    await page.click('button[data-sort="lastName"]');
    await page.waitForSelector('th[aria-sort="ascending"] button[data-sort="lastName"]');
    const byName = await page.$$eval('#lead-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.leadId));
    const emailDone = page.waitForEvent('requestfinished', (r) => /sort=email/.test(r.url()));
    release();
    expect(heldSeen).toBe(true);
    await emailDone;
    // The late answer has been read by the page by now; give it a few frames to (wrongly) draw it.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.waitForTimeout(100);
    expect(await page.$$eval('#lead-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.leadId))).toEqual(byName);
    expect(await page.getAttribute('button[data-sort="lastName"]', 'data-sort')).toBe('lastName');
    expect(await page.$eval('th[aria-sort="ascending"] button', (b) => (b as HTMLElement).dataset.sort)).toBe('lastName');
    expect(await page.textContent('#lead-summary')).toBe('1–50 of 120 leads');
    expect(await page.getAttribute('.table-wrap.tall', 'aria-busy')).toBeNull();
  });

  it('can be used by keyboard alone: open a tab, search, open and close a lead, toggle a block, all with visible focus', async () => {
    const s = await open(frozenSim(), '', LAPTOP);
    const { page } = s;
    const email = String(s.sim.runtime.firstInstance().leads.get(42)!.values.email);
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        const style = getComputedStyle(a);
        return { id: a.id, label: a.getAttribute('aria-label') ?? a.textContent?.trim() ?? '', outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px' };
      });
    /** Tabs (forward or back) until the focused element matches, checking every stop shows its focus. */
    const tabTo = async (matches: (f: { id: string; label: string }) => boolean, key = 'Tab') => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press(key);
        const f = await focused();
        expect(f.outline, `focus visible on ${f.id || f.label}`).toBe(true);
        if (matches(f)) return;
      }
      throw new Error('never reached');
    };
    await tabTo((f) => f.label === 'Leads');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lead-table tbody tr[data-lead-id]');
    // Sorting and paging redraw the table: the pressed button keeps the focus.
    await tabTo((f) => f.label === 'Email↕');
    await page.keyboard.press('Enter');
    await page.waitForSelector('th[aria-sort="ascending"] button[data-sort="email"]');
    expect((await focused()).label).toBe('Email▲');
    await tabTo((f) => f.label === 'Next ›');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent === '51–100 of 120 leads');
    expect((await focused()).label).toBe('Next ›');
    await tabTo((f) => f.id === 'lead-search', 'Shift+Tab');
    await page.keyboard.type(email);
    await page.waitForFunction(() => document.querySelector('#lead-summary')?.textContent?.startsWith('1–1 of 1 leads'));
    await tabTo((f) => f.label === 'Lead 42: open detail');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#lead-detail:not([hidden]) #lead-activities');
    expect((await focused()).id).toBe('lead-detail');
    // Escape gives focus back to the lead's row even when the table takes a while to come back (a 1M-lead sort).
    await page.route(/\/leads\?/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#lead-detail', { state: 'hidden' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Lead 42: open detail');
    await page.unroute(/\/leads\?/);
    // A write to the lead redraws its row (live refresh): the focus stays on it.
    const token = await tokenFor(s);
    await fetch(`${s.base}/rest/v1/leads.json`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ lookupField: 'id', action: 'updateOnly', input: [{ id: 42, lastName: 'Refreshed' }] }),
    });
    await page.waitForFunction(() => document.querySelector('#lead-table tr[data-lead-id="42"] td:nth-child(4)')?.textContent === 'Refreshed');
    expect((await focused()).label).toBe('Lead 42: open detail');

    await tabTo((f) => f.label === 'Fields & blocks', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#field-table');
    await tabTo((f) => f.id === 'field-filter');
    await page.keyboard.type('title');
    await tabTo((f) => f.label === 'Block Web service API updates to title');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('#toast')?.textContent === 'title: updates from Web service API are now blocked');
    expect(s.sim.runtime.firstInstance().fields.find((f) => f.name === 'title')!.blockedSources).toEqual(['Web service API']);
  });

  it('keeps the controls inside their panels and the throughput times apart at laptop width', async () => {
    const s = await open(frozenSim(), '#/controls', { width: 1280, height: 800 });
    const { page } = s;
    await page.waitForSelector('#scenario-select');
    const inside = await page.$$eval('#main section.panel', (panels) =>
      panels.every((p) => {
        const box = p.getBoundingClientRect();
        return Array.from(p.querySelectorAll('select, input, button')).every((c) => c.getBoundingClientRect().right <= box.right);
      }),
    );
    expect(inside).toBe(true);
    // Three 5 s buckets: the first and last times must not be drawn over each other.
    // A string, so the test runner does not rewrite the page's own module import.
    const labels = (await page.evaluate(`(async () => {
      const { stackedBars } = await import('./js/charts.js');
      const buckets = [0, 5, 10].map((s) => ({ at: '2026-11-02T15:00:' + String(s).padStart(2, '0') + '.000Z', created: 1 }));
      const svg = stackedBars({ title: 't', buckets, keys: ['created'], colors: { created: '#000' } });
      document.body.append(svg);
      const boxes = Array.from(svg.querySelectorAll('text')).filter((t) => t.textContent.includes(':')).map((t) => t.getBoundingClientRect());
      svg.remove();
      return boxes.map((r) => [r.left, r.right]);
    })()`)) as [number, number][];
    for (let i = 1; i < labels.length; i++) expect(labels[i][0]).toBeGreaterThanOrEqual(labels[i - 1][1]);
    expect(labels.length).toBeGreaterThan(0);
  });
});
