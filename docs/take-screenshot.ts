// Regenerates docs/dashboard.png: the demo on a real-time clock, the overview (laptop width, whole page) once the rate-limit episode has recovered.
// Run with `npx tsx docs/take-screenshot.ts` (about a minute; needs /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { createSimulator } from '../simulator/index.js';
import { demoConfig, startDemo } from '../simulator/demo/index.js';

const sim = createSimulator({ config: demoConfig(1) });
const base = await sim.listen(0, '127.0.0.1');
const demo = await startDemo(sim, { seed: 1 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${base}/__sim/ui/`);
  await page.waitForSelector('#demo-timeline li[data-step="recovery"][data-state="done"]', { timeout: 120_000 });
  // A few more seconds of the ambient stream and usage samples after the recovery.
  await page.waitForTimeout(4_000);
  await page.screenshot({ path: 'docs/dashboard.png', fullPage: true });
} finally {
  await browser.close();
  await demo.stop();
  await sim.close();
}
