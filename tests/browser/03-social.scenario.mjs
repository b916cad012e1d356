// The social worker's view: budget with QF and reste à vivre, notes, documents.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'social');
  await page.goto(BASE + '/foyers/1');
  check(await page.getByRole('heading', { name: 'Budget du mois' }).count() === 1, 'budget visible');
  await page.getByLabel('Nouvelle note').fill('Suivi : point sur le dossier FSL.');
  await page.getByRole('button', { name: 'Ajouter la note' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Suivi : point sur le dossier FSL.').count() === 1, 'note ajoutée');
  await audit(page, 'foyer-social');
  await page.getByRole('link', { name: 'Ressources et charges par mois' }).click();
  await page.getByLabel('Montant mensuel (€)').fill('abc');
  await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
  await page.waitForLoadState('load');
  check(await page.getByLabel('Montant mensuel (€)').inputValue() === 'abc', 'saisie conservée');
  check(await page.getByText('Le montant doit être un nombre positif').count() >= 1, 'message en français');
  await audit(page, 'budget');
  await page.goto(BASE + '/foyers/1/parcours');
  await audit(page, 'parcours');
  await page.goto(BASE + '/foyers/1/membres/nouveau');
  await audit(page, 'nouveau-membre');
}
