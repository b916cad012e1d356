// Food aid as the social worker, the reception and the manager use it:
// access decided from the household page (a refusal without its reason is
// refused and keeps what was typed), the day's distribution at the counter
// (the card's number typed or scanned: one action, the page ready for the
// next), the grocery's till (find by number, the basket priced, paid), the
// stock and the yearly report; each page audited.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'social');
  await page.goto(BASE + '/foyers/9');
  await page.getByRole('link', { name: 'Décider l’accès (colis ou épicerie)' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Ce que dit le règlement aujourd’hui').count() === 1, 'la réponse du règlement');
  await audit(page, 'alimentaire-droit-nouveau');
  await page.getByLabel('Décision', { exact: true }).selectOption({ label: 'Refusé' });
  await page.getByLabel('Durée (mois)').fill('2');
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/Le motif du refus/).count() >= 1, 'refus sans motif refusé');
  check(await page.getByLabel('Durée (mois)').inputValue() === '2', 'saisie conservée');
  await audit(page, 'alimentaire-droit-refus');
  await page.getByLabel('Décision', { exact: true }).selectOption({ label: 'Accordé' });
  await page.getByLabel('Motif').fill('Situation d’urgence constatée à l’accueil');
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await page.waitForLoadState('load');
  check(/\/alimentaire\/droits\/\d+/.test(page.url()), 'droit enregistré : ' + page.url());
  await audit(page, 'alimentaire-droit');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForLoadState('load');

  await login(page, 'accueil');
  await page.goto(BASE + '/alimentaire');
  await audit(page, 'alimentaire-distributions');
  await page.getByRole('link', { name: /\d\d\/\d\d\/\d{4}/ }).first().click();
  await page.waitForLoadState('load');
  await audit(page, 'alimentaire-comptoir');
  const before = await page.locator('tbody tr').count();
  const number = (await page.locator('tbody tr td small').first().textContent()).trim();
  const scan = page.getByLabel('Carte, numéro de dossier ou nom');
  check(await scan.evaluate((e) => e === document.activeElement), 'la case du lecteur a le focus');
  await scan.fill(number);
  await scan.press('Enter'); // what a barcode scanner does: the number, then Enter
  await page.waitForLoadState('load');
  check(await page.getByText(/Retiré/).count() >= 1, 'colis retiré en une action');
  check(await page.locator('tbody tr').count() === before - 1, 'la ligne quitte la liste à servir');
  check(await page.getByLabel('Carte, numéro de dossier ou nom').evaluate((e) => e === document.activeElement), 'prêt pour le suivant');
  await audit(page, 'alimentaire-comptoir-fait');

  await page.goto(BASE + '/alimentaire/epicerie');
  await audit(page, 'alimentaire-epicerie');
  await page.goto(BASE + '/foyers/2');
  const file = (await page.locator('text=/\\d\\d-\\d{4}/').first().textContent()).match(/\d\d-\d{4}/)[0];
  await page.goto(BASE + '/alimentaire/epicerie');
  await page.getByLabel('Carte, numéro de dossier ou nom').fill(file);
  await page.getByRole('button', { name: 'Ouvrir la caisse' }).click();
  await page.waitForLoadState('load');
  check(/caisse\?foyer=2/.test(page.url()), 'la carte ouvre la caisse : ' + page.url());
  check(await page.getByText('Reste ce mois-ci').count() === 1, 'le reste du mois avant de payer');
  await audit(page, 'alimentaire-caisse');
  const qty = page.locator('input[name^="p_"]').first();
  await qty.fill('1');
  await page.getByRole('button', { name: 'Calculer le panier' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/à payer/).count() === 1, 'le panier calculé');
  await page.getByRole('button', { name: 'Encaisser' }).click();
  await page.waitForLoadState('load');
  check(/passages\/\d+/.test(page.url()) || (await page.getByText(/il reste/).count()) >= 1, 'ticket, ou le reste du mois épuisé dit : ' + page.url());
  await audit(page, 'alimentaire-ticket');
  await page.goto(BASE + '/alimentaire/stock?liste=alertes');
  await audit(page, 'alimentaire-stock');
  await page.goto(BASE + '/alimentaire/stock/reception');
  await audit(page, 'alimentaire-reception');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForLoadState('load');

  await login(page, 'responsable');
  await page.goto(BASE + '/alimentaire/rapport');
  check(await page.getByText('Foyers aidés').count() >= 1, 'rapport annuel');
  await audit(page, 'alimentaire-rapport');
  await page.goto(BASE + '/alimentaire/reglage');
  await audit(page, 'alimentaire-reglage');
}
