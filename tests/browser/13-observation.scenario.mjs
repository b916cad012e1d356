// Observation as the director reads it: the figures of a period (each chart
// with its sentence and its table), a period refused when it is not one, the
// needs analysis by neighbourhood, the settings (a refused threshold keeps
// the text typed); a filter and the households behind a figure; each page audited.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'responsable');
  await page.goto(BASE + '/observation');
  check(await page.locator('svg.chart[role="img"]').count() >= 10, 'un graphique par indicateur');
  check(await page.getByRole('heading', { name: 'Contacts par canal' }).count() === 1, 'les contacts');
  await page.locator('details summary', { hasText: 'Le tableau des données' }).first().click();
  check(await page.locator('details[open] table').count() === 1, 'le tableau sous le graphique');
  await audit(page, 'observation');
  await page.getByLabel('Du', { exact: true }).fill('2026-01-01');
  await page.getByLabel('Au', { exact: true }).fill('2026-03-31');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await page.waitForLoadState('load');
  check(/du=2026-01-01/.test(page.url()), 'la période choisie');
  // A filter: the older applicants; the notice says how many households, and a figure opens its list.
  await page.getByLabel('Âge du demandeur', { exact: true }).selectOption('60-74');
  await page.getByRole('button', { name: 'Afficher' }).click();
  await page.waitForLoadState('load');
  check(/age=60-74/.test(page.url()) && await page.getByText(/foyers? retenus?/).count() === 1, 'le filtre et ses foyers');
  check(await page.getByLabel('Âge du demandeur', { exact: true }).inputValue() === '60-74', 'le filtre gardé');
  await audit(page, 'observation-filtre');
  await page.locator('details summary', { hasText: 'Le tableau des données' }).first().click();
  const link = page.locator('details[open] table a[href^="/observation/liste"]').first();
  check(await link.count() === 1, 'un chiffre mène à sa liste');
  await link.click();
  await page.waitForLoadState('load');
  check(await page.locator('table a[href^="/foyers/"]').count() >= 1, 'les dossiers derrière le chiffre');
  await audit(page, 'observation-liste');
  await page.goBack();
  await page.waitForLoadState('load');
  await page.getByRole('link', { name: /Analyse des besoins sociaux/ }).click();
  await page.waitForLoadState('load');
  check(await page.getByRole('heading', { name: 'Les chiffres par quartier', exact: true }).count() === 1, 'les chiffres par quartier');
  await audit(page, 'observation-abs');
  await page.goto(BASE + '/observation/reglage');
  await page.getByLabel('Seuil du secret statistique').fill('1');
  await page.getByLabel('Texte du rapport d’activité').fill('Le mot de la direction');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/de 2 à 20/).count() >= 1, 'seuil refusé');
  check(await page.getByLabel('Texte du rapport d’activité').inputValue() === 'Le mot de la direction', 'saisie conservée');
  await audit(page, 'observation-reglage');
}
