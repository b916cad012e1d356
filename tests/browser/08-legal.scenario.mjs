// A statutory aid file from the household page to the answer, as the social
// worker does it: lodge, tick the pieces, the opinion the ASH asks for,
// forward (incomplete, the missing pieces listed), record the answer; each
// page audited, the refused step keeping what was typed.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'social');
  await page.goto(BASE + '/foyers/3');
  await page.getByRole('link', { name: /Déposer un dossier/ }).click();
  await page.waitForLoadState('load');
  await audit(page, 'aide-legale-depot');
  await page.getByLabel('Type de dossier').selectOption({ label: 'Aide sociale à l’hébergement (ASH) (Département)' });
  await page.getByRole('button', { name: 'Enregistrer le dépôt' }).click();
  await page.waitForLoadState('load');
  check(/\/aide-legale\/\d+/.test(page.url()), 'dossier déposé : ' + page.url());
  check(await page.getByText(/dans \d+ jours|dans 3\d jours|demain/).count() >= 1, 'jours restants pour transmettre');
  await audit(page, 'aide-legale-dossier');
  await page.getByLabel('pièce d’identité').check();
  await page.getByRole('button', { name: 'Enregistrer les pièces' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('C’est enregistré.').count() === 1, 'pièces enregistrées');
  // Forwarding an ASH file without the CCAS's opinion is refused, the reference typed kept.
  await page.getByLabel('Référence (bordereau, n° de dépôt)').fill('BT-NAV-1');
  await page.getByRole('button', { name: 'Enregistrer la transmission' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/avis motivé du CCAS/).count() >= 1, 'transmission refusée sans avis');
  check(await page.getByLabel('Référence (bordereau, n° de dépôt)').inputValue() === 'BT-NAV-1', 'saisie conservée');
  await audit(page, 'aide-legale-refus');
  await page.getByLabel('Avis', { exact: true }).selectOption('favorable');
  await page.getByLabel('Motivation').fill('Ressources insuffisantes pour l’hébergement en établissement.');
  await page.getByRole('button', { name: 'Enregistrer l’avis' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel('Référence (bordereau, n° de dépôt)').fill('BT-NAV-1');
  await page.getByRole('button', { name: 'Enregistrer la transmission' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/transmis sans : avis d’imposition/).count() === 1, 'transmis incomplet, pièces manquantes listées');
  await page.getByLabel('Réponse', { exact: true }).selectOption('accorde');
  await page.getByRole('button', { name: 'Enregistrer la réponse' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/Accordé, reçue le/).count() === 1, 'réponse enregistrée');
  await audit(page, 'aide-legale-reponse');
  await page.goto(BASE + '/aide-legale?liste=en_retard');
  await audit(page, 'aide-legale-retard');
}
