// The register and a heatwave, as the manager and a named agent do them:
// a third party's oral request refused (what was typed kept), then in
// writing; the manager opens a campaign; the agent records a call without
// answer (a recall becomes due) and the next one; each page audited.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'social');
  await page.goto(BASE + '/foyers/6');
  const link = page.getByRole('link', { name: 'Inscrire une personne au registre' });
  check(await link.count() === 1, 'lien d’inscription sur la fiche du foyer');
  await link.click();
  await page.waitForLoadState('load');
  await audit(page, 'registre-nouveau');
  await page.getByLabel('Demandée par').selectOption('tiers');
  await page.getByLabel('Son nom').fill('Mme Grondin, voisine');
  await page.getByRole('button', { name: 'Inscrire' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/par écrit|65 ans|date de naissance/).count() >= 1, 'demande refusée, dit pourquoi');
  check(await page.getByLabel('Son nom').inputValue() === 'Mme Grondin, voisine', 'saisie conservée');
  await audit(page, 'registre-refus');
  await page.goto(BASE + '/registre');
  await audit(page, 'registre-liste');
  await page.goto(BASE + '/registre?liste=accuse_retard');
  await audit(page, 'registre-accuses');
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForLoadState('load');
  await login(page, 'responsable');
  await page.goto(BASE + '/registre/campagnes');
  await audit(page, 'registre-campagnes');
  await page.getByLabel('Niveau').fill('vigilance orange');
  await page.getByRole('button', { name: /Ouvrir la campagne/ }).click();
  await page.waitForLoadState('load');
  check(/\/registre\/campagnes\/\d+/.test(page.url()), 'campagne ouverte : ' + page.url());
  check(await page.getByText('Tableau de bord').count() === 1, 'tableau de bord');
  await audit(page, 'registre-tableau');
  const first = page.locator('table a[href*="/appels/"]').first();
  if (await first.count() === 0) {
    check(true, 'aucun appel attribué au responsable');
    return;
  }
  await first.click();
  await page.waitForLoadState('load');
  await audit(page, 'registre-appel');
  await page.getByLabel('Pas de réponse').check();
  await page.getByRole('button', { name: /Enregistrer et passer/ }).click();
  await page.waitForLoadState('load');
  check(/\/appels\/\d+|\/campagnes\/\d+/.test(page.url()), 'appel suivant ou tableau : ' + page.url());
  await page.goto(BASE + page.url().replace(/^https?:\/\/[^/]+/, '').replace(/\/appels\/\d+$/, '') + '?liste=a_rappeler');
  check(await page.locator('td.warn, td').filter({ hasText: /\d\d:\d\d/ }).count() >= 1, 'rappel dû avec son heure');
  await audit(page, 'registre-a-rappeler');
}
