// Shared helpers for the browser tests: launch Debian's Chromium, log in,
// audit a page with axe-core (serious and critical violations fail).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');

export const BASE = process.env.BASE;
export const PW = 'demo-openccas-2026';
let passed = 0, failed = 0;

export function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.error('ÉCHEC', what); }
}

export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // bypassCSP only so that axe-core can be injected; the pages' own CSP is
  // checked by the HTTP tests.
  const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
  return { browser, context };
}

export async function login(page, who) {
  await page.goto(BASE + '/connexion');
  await page.getByLabel('Adresse e-mail').fill(`${who}@demo.openccas.fr`);
  await page.getByLabel('Mot de passe').fill(PW);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState('load');
}

export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function audit(page, name, tags = WCAG) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async (values) => await window.axe.run(document, {
    runOnly: { type: 'tag', values },
  }), tags);
  const bad = res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.error(`  axe ${name}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`);
  check(bad.length === 0, `accessibilité de ${name}: ${bad.length} violation(s) graves`);
  await page.screenshot({ path: `build/screens/${name}.png`, fullPage: true });
}

export function done(name) {
  console.log(`${name}: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
