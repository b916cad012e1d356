// Runs every browser scenario in tests/browser/*.scenario.mjs.
import { readdirSync } from 'node:fs';
import { launch, done, check } from './lib.mjs';
const dir = new URL('.', import.meta.url);
const only = process.argv[2];
const { browser, context } = await launch();
try {
  for (const f of readdirSync(dir).filter(f => f.endsWith('.scenario.mjs')).sort()) {
    if (only && !f.startsWith(only)) continue;
    const mod = await import(new URL(f, dir));
    const page = await context.newPage();
    try { await mod.default(page); }
    catch (e) { check(false, `${f}: ${e.message}`); await page.screenshot({ path: `build/screens/erreur-${f}.png` }).catch(() => {}); }
    await page.close();
    await context.clearCookies();
  }
} finally {
  await browser.close();
}
done('browser');
