// The manager moves households in from a spreadsheet: from the persons'
// page to the import, a refused file (its lines said, the form again), a
// good one checked (the figures, the columns read), imported; the same file
// again says its persons are known and asks first; a second click on the
// import while it runs sends nothing. At 1366 and 320 px.
import { BASE, check, login, audit } from './lib.mjs';

const csv = (text) => ({ name: 'foyers.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
const GOOD = 'N° foyer;Nom;Prénom;Date de naissance;Lien de parenté\n' +
  'B1;Vellayoudom;Shanti;04/05/1977;demandeur\nB1;Vellayoudom;Arjun;2009-09-09;fils\n';
const BAD = 'foyer;nom;prenoms;date_naissance;Remarques\nB1;Vellayoudom;Shanti;31/02/1977;\n';

async function upload(page, file) {
  await page.getByLabel(/Tableur des foyers/).setInputFiles(file);
  await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await page.waitForLoadState('load');
}

export default async function (page) {
  await login(page, 'responsable');
  await page.goto(BASE + '/personnes');
  await page.getByRole('link', { name: 'Importer des foyers depuis un tableur' }).click();
  await page.waitForLoadState('load');
  await upload(page, csv(BAD));
  check(await page.getByText('« Remarques »').count() > 0, 'la colonne inconnue nommée');
  await audit(page, 'import-refuse');
  await upload(page, csv(GOOD));
  check(await page.getByRole('heading', { name: 'Vérification avant import' }).count() === 1, 'la vérification');
  check(await page.getByText('Colonnes lues').count() === 1, 'les colonnes lues');
  for (const w of [1366, 320]) {
    await page.setViewportSize({ width: w, height: 800 });
    await audit(page, `import-verification-${w}`);
  }
  await page.setViewportSize({ width: 1366, height: 800 });
  // The import says it is under way, and a second submission while it runs (a double click) is not sent.
  const sent = await page.evaluate(() => {
    const f = document.querySelector('form[data-busy][action^="/personnes/import/"]');
    let n = 0;
    window.addEventListener('submit', e => { if (!e.defaultPrevented) n++; });
    f.requestSubmit();
    f.requestSubmit();
    return { n, busy: f.getAttribute('aria-busy'), text: f.querySelector('button[type=submit]').textContent };
  });
  check(sent.n === 1, `la confirmation envoyée une fois (${sent.n})`);
  check(sent.busy === 'true' && /Import en cours/.test(sent.text), `le bouton dit que l’import est en cours (${sent.text})`);
  await page.waitForURL(/importees=2/);
  check(await page.getByText('2 personnes importées, en 1 foyer.').count() === 1, 'importé');
  await upload(page, csv(GOOD));
  const accept = page.getByLabel('Importer quand même ces personnes, en double');
  check(await accept.count() === 1, 'les personnes déjà enregistrées : demandé d’abord');
  await audit(page, 'import-deja-connues');
  await page.getByRole('button', { name: /^Abandonner/ }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Import abandonné').count() === 1, 'abandonné');
}
