// A morning at the mail counter: letters arrive for several people at once,
// then one person collects them; with an accessibility audit of each page.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'accueil');
  await page.getByRole('link', { name: 'Domiciliation' }).first().click();
  await audit(page, 'domiciliations');
  const first = await page.locator('table.data tbody tr td a').first().getAttribute('href');
  const id = first.split('/').pop();
  await page.getByRole('link', { name: 'Guichet courrier' }).first().click();
  await page.getByLabel('Numéros de domiciliation').fill(`${id}\n${id}\n${id}`);
  await page.getByRole('button', { name: 'Enregistrer les arrivées' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('3 courrier(s) enregistré(s).').count() === 1, 'arrivées enregistrées');
  await audit(page, 'guichet-courrier');
  await page.goto(BASE + '/domiciliation/' + id);
  check(await page.getByText(/Lettre : \d+/).count() === 1, 'courrier en attente affiché');
  await audit(page, 'domiciliation');
  await page.getByLabel('Remis à').selectOption('personne');
  await page.getByRole('button', { name: 'Remettre tout le courrier en attente' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Aucun courrier en attente.').count() === 1, 'courrier remis');
  await page.goto(BASE + '/domiciliation?liste=sans_contact');
  await audit(page, 'sans-contact');
}
