// Services at home as the social worker and the manager use them: a meal
// subscription from the household page (a refused pattern keeps what was
// typed), an absence, the day's deliveries and a round delivered in one
// action, téléassistance, the month's billing; each page audited.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'social');
  await page.goto(BASE + '/foyers/7');
  await page.getByRole('link', { name: 'Commencer un portage de repas' }).click();
  await page.waitForLoadState('load');
  await audit(page, 'domicile-repas-nouveau');
  for (const d of ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi']) await page.getByLabel(d, { exact: true }).fill('0');
  await page.getByLabel('Accès (code, étage, où laisser le repas)').fill('Code 4521, 3e étage');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/au moins un jour livré/).count() >= 1, 'semainier vide refusé');
  check(await page.getByLabel('Accès (code, étage, où laisser le repas)').inputValue() === 'Code 4521, 3e étage', 'saisie conservée');
  await audit(page, 'domicile-repas-refus');
  await page.getByLabel('Lundi', { exact: true }).fill('1');
  await page.getByLabel('Mercredi', { exact: true }).fill('2');
  await page.getByLabel('Tournée', { exact: true }).selectOption({ label: 'Centre-ville' });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForLoadState('load');
  check(/\/domicile\/repas\/\d+/.test(page.url()), 'portage enregistré : ' + page.url());
  check(await page.getByText('Lun 1, Mer 2').count() === 1, 'semainier en clair');
  await audit(page, 'domicile-repas');
  await page.goto(BASE + '/domicile');
  check(await page.getByText(/Pour la cuisine/).count() === 1, 'comptes de la cuisine');
  await audit(page, 'domicile-jour');
  const deliver = page.getByRole('button', { name: /Tournée livrée/ }).first();
  if (await deliver.count()) {
    await deliver.click();
    await page.waitForLoadState('load');
    check(await page.getByText(/repas marqués livrés/).count() === 1, 'tournée livrée en une action');
  }
  await page.goto(BASE + '/domicile/tournees');
  await audit(page, 'domicile-tournees');
  await page.goto(BASE + '/domicile/teleassistance');
  await audit(page, 'domicile-teleassistance');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForLoadState('load');
  await login(page, 'responsable');
  await page.goto(BASE + '/domicile/facturation');
  check(await page.getByText(/repas livrés/).count() >= 1, 'facturation du mois');
  await audit(page, 'domicile-facturation');
}
