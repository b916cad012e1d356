// Every page of every role, at 1366 px and at 320 px: logged in as each of
// the demo's eight roles, walks the pages from the home page by their links
// (one page per shape of address: /foyers/12 stands for every household),
// and on each page, at both widths: the WCAG 2.2 AA rules of axe-core (a
// serious or critical violation fails), no id given twice, and at 320 px
// the page reflows (nothing wider than the screen but a table's own
// focusable scroll region) and the page's title is on the first screen.
import { BASE, check, login, audit } from './lib.mjs';

const ROLES = ['accueil', 'social', 'instructeur', 'responsable', 'commission', 'dpo', 'admin', 'benevole'];
const SKIP = /\.(pdf|xlsx|csv|json|txt|png|svg|ics)(\?|$)|^\/api\/|^\/deconnexion|^\/static\/|\/exporter|\/telecharger|donnees\./;

function shape(path) {
  return path.split(/[?#]/)[0].replace(/\d+/g, '#');
}

async function links(page) {
  return page.evaluate(() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')));
}

async function pageChecks(page, role, path, width) {
  const name = `${role}${path.replace(/[^a-z0-9]+/gi, '-')}-${width}`.slice(0, 120);
  const dup = await page.evaluate(() => {
    const seen = new Map();
    for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  check(dup.length === 0, `${role} ${path} : id en double ${dup.join(', ')}`);
  if (width === 320) {
    const r = await page.evaluate(() => {
      const w = window.innerWidth;
      // What is wider than the screen, outside a scroll region of its own.
      const wide = [...document.querySelectorAll('body *')].filter(e => {
        const b = e.getBoundingClientRect();
        if (b.width === 0 || b.right <= w + 1) return false;
        for (let p = e.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll') return false;
        }
        return true;
      }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
      const h1 = document.querySelector('h1');
      return { sw: document.documentElement.scrollWidth, w, wide, h1: h1 ? h1.getBoundingClientRect().top : 0, vh: window.innerHeight };
    });
    check(r.sw <= r.w + 1, `${role} ${path} à 320 px : la page fait ${r.sw} px (${r.wide.join(', ')})`);
    check(r.h1 < r.vh, `${role} ${path} à 320 px : le titre n’est pas sur le premier écran (${Math.round(r.h1)} px)`);
  }
  await audit(page, name, ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']);
}

export default async function (page) {
  let pages = 0;
  for (const role of ROLES) {
    await page.context().clearCookies();
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, role);
    const seen = new Set(), todo = [new URL(page.url()).pathname];
    seen.add(shape(todo[0]));
    while (todo.length) {
      const path = todo.shift();
      for (const width of [1366, 320]) {
        await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
        let res;
        try { res = await page.goto(BASE + path); }
        catch (e) { if (/Download is starting/.test(e.message)) break; throw e; } // a file, not a page
        if (!res || res.status() >= 400) {
          check(res && res.status() === 404 && /\/\d+/.test(path), `${role} ${path} : ${res ? res.status() : 'pas de réponse'}`);
          break;
        }
        await pageChecks(page, role, path, width);
        if (width === 1366) {
          for (const h of await links(page)) {
            if (!h || !h.startsWith('/') || h.startsWith('//') || SKIP.test(h)) continue;
            const s = shape(h);
            if (seen.has(s)) continue;
            seen.add(s);
            todo.push(h);
          }
        }
      }
      pages++;
    }
    console.log(`  ${role} : ${seen.size} pages`);
  }
  check(pages > 100, `pages parcourues : ${pages}`);
}
