// The DPO's day: rights of persons (find, export), retention and what comes
// next, the journal with its signals, one's own sessions and two-factor setup.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'dpo');
  await page.goto(BASE + '/droits');
  await page.getByLabel('Nom, prénom ou date de naissance').fill('martin');
  await page.getByRole('button', { name: 'Chercher' }).click();
  await page.waitForLoadState('load');
  check(await page.getByRole('link', { name: 'PDF' }).count() > 0, 'personnes trouvées, export proposé');
  await audit(page, 'droits');
  const pdf = await page.request.get(BASE + (await page.getByRole('link', { name: 'PDF' }).first().getAttribute('href')));
  check(pdf.status() === 200 && (pdf.headers()['content-type'] || '').includes('application/pdf'), 'export PDF');
  await page.goto(BASE + '/admin/conservation');
  check(await page.getByText('À archiver maintenant').count() === 1, 'ce qui vient');
  await audit(page, 'conservation');
  await page.goto(BASE + '/journal');
  check(await page.getByRole('heading', { name: 'Signaux à examiner' }).count() === 1, 'signaux');
  await audit(page, 'journal');
  await page.goto(BASE + '/compte');
  await page.getByRole('button', { name: 'Activer la double authentification' }).click();
  await page.waitForLoadState('load');
  check(await page.locator('#totp-secret').count() === 1, 'clé affichée pour l’application');
  await audit(page, 'compte-totp');
}
