// A social housing request and a micro-credit from the household page, as
// the social worker does them: the request's number refused then right
// (what was typed kept), a proposal and its allocation; a micro-credit
// opened, its schedule, the bank's decision, the signature, an incident;
// each page audited.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'social');
  await page.goto(BASE + '/foyers/4');
  await page.getByRole('link', { name: 'Enregistrer une demande de logement social' }).click();
  await page.waitForLoadState('load');
  await audit(page, 'logement-nouvelle');
  await page.getByLabel('Numéro unique').fill('123');
  await page.getByLabel('Communes ou secteurs souhaités').fill('Le Port, Saint-Paul');
  await page.getByLabel('Reconnu prioritaire DALO').check();
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/Le numéro unique est celui de l’attestation/).count() >= 1, 'numéro refusé, dit pourquoi');
  check(await page.getByLabel('Communes ou secteurs souhaités').inputValue() === 'Le Port, Saint-Paul', 'saisie conservée');
  check(await page.getByLabel('Reconnu prioritaire DALO').isChecked(), 'critère coché conservé');
  await audit(page, 'logement-refus');
  await page.getByLabel('Numéro unique').fill('974 1126 77777 12345 B');
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await page.waitForLoadState('load');
  check(/\/logement\/\d+/.test(page.url()), 'demande enregistrée : ' + page.url());
  check(await page.getByText('97411267777712345B').count() >= 1, 'numéro normalisé');
  await audit(page, 'logement-demande');
  await page.getByLabel('Bailleur').fill('SIDR');
  await page.getByLabel('Adresse du logement').fill('3 rue des Filaos, Le Port');
  await page.getByRole('button', { name: 'Enregistrer la proposition' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel('Issue', { exact: true }).selectOption('attribuee');
  await page.getByRole('button', { name: 'Enregistrer l’issue' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/3 rue des Filaos, Le Port \(SIDR\)/).count() === 1, 'logement attribué');
  await page.goto(BASE + '/logement?liste=renouvellements');
  await audit(page, 'logement-liste');

  await page.goto(BASE + '/foyers/4');
  await page.getByRole('link', { name: 'Accompagner un microcrédit' }).click();
  await page.waitForLoadState('load');
  await audit(page, 'microcredit-nouveau');
  await page.getByLabel('Projet financé').fill('Permis de conduire pour un emploi de livreur');
  await page.getByLabel('Montant emprunté (€)').fill('1 500');
  await page.getByLabel('Durée (mois)').fill('24');
  await page.getByLabel('Taux annuel (%)').fill('3,5');
  await page.getByLabel('Banque partenaire').fill('CEPAC');
  await page.getByRole('button', { name: 'Ouvrir l’accompagnement' }).click();
  await page.waitForLoadState('load');
  check(/\/microcredit\/\d+/.test(page.url()), 'microcrédit ouvert : ' + page.url());
  check(await page.getByText(/24 mensualités de 64,80/).count() === 1, 'échéancier');
  await audit(page, 'microcredit-fiche');
  await page.getByLabel('Décision', { exact: true }).selectOption('accorde');
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Enregistrer la signature' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('En remboursement').count() >= 1, 'signé, en remboursement');
  await page.getByLabel('Quoi (échéance impayée, rejet de prélèvement…)').fill('Prélèvement rejeté');
  await page.getByRole('button', { name: 'Enregistrer l’incident' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('non régularisé').count() === 1, 'incident noté');
  await page.goto(BASE + '/microcredit?liste=incidents');
  await audit(page, 'microcredit-incidents');
}
