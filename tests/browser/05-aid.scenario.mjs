// Optional aid from the screen: the rulebook editor (manager), a simulation,
// then a request from its draft to the committee's decision and the letter —
// a social worker instructs, the manager puts it on the agenda, a committee
// member decides in the anonymised presentation. Every page audited.
import { BASE, check, login, audit } from './lib.mjs';

async function as(page, who) {
  await page.context().clearCookies();
  await login(page, who);
}

export default async function (page) {
  await as(page, 'responsable');
  await page.goto(BASE + '/aides/reglement');
  check(await page.getByLabel('Texte du règlement').inputValue().then(t => t.includes('aide : secours_urgence')), 'règlement de démonstration');
  await audit(page, 'reglement');
  await page.getByRole('link', { name: 'par rapport à la version précédente' }).first().click();
  check(await page.getByText('+ montant : par personne 30,00').count() === 1, 'différence entre deux versions');
  await audit(page, 'reglement-difference');
  await page.goto(BASE + '/aides/budget');
  await audit(page, 'budget-aides');

  // A social worker simulates, then opens a request from the household's file.
  await as(page, 'social');
  await page.goto(BASE + '/foyers/1/simulation');
  check(await page.getByRole('rowheader', { name: 'Secours d’urgence' }).count() === 1, 'simulation affichée');
  await audit(page, 'simulation');
  await page.goto(BASE + '/foyers/1');
  await page.getByRole('link', { name: 'Nouvelle demande' }).click();
  await page.getByLabel('Aide demandée').selectOption('energie');
  await page.getByLabel('Montant de la facture (€)').fill('480,00');
  await page.getByLabel('Créancier').fill('EDF Solidarité');
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.waitForLoadState('load');
  check(/\/aides\/demandes\/\d+/.test(page.url()), 'brouillon créé');
  const url = page.url().replace(/\?.*$/, '');
  const id = url.split('/').pop();
  for (const box of await page.getByRole('checkbox').all()) await box.check();
  await page.getByRole('button', { name: 'Déposer' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Déposée', { exact: true }).count() >= 1, 'demande déposée');
  await page.getByLabel('Avis de l’instructeur').selectOption('favorable');
  await page.getByLabel('Montant proposé (€)').fill('240,00');
  await page.getByLabel('Motivation de l’avis').fill('Facture de régularisation après un hiver sans chauffage.');
  await page.getByRole('button', { name: 'Enregistrer l’instruction' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Voie de décision : Commission permanente').count() === 1, 'au-delà de la délégation : commission');
  await audit(page, 'demande-aide');

  // The manager puts it on the next session's agenda.
  await as(page, 'responsable');
  await page.goto(url);
  await page.getByRole('button', { name: 'Inscrire' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Inscrite en commission').count() >= 1, 'inscrite à l’ordre du jour');

  // A committee member decides from the anonymised presentation.
  await as(page, 'commission');
  await page.getByRole('link', { name: 'Commission' }).first().click();
  await audit(page, 'commissions');
  await page.locator('table.data tbody tr', { hasText: 'prévue' }).first().getByRole('link').click();
  await audit(page, 'seance');
  const session = page.url();
  const rows = await page.locator('table.data tbody tr[id^="d"]').evaluateAll(trs => trs.map(t => t.id));
  const n = rows.indexOf('d' + id) + 1;
  check(n > 0, 'la demande est à l’ordre du jour');
  await page.goto(session + '/presentation?n=' + n);
  check(await page.getByText('Présentation sans nom ni adresse').count() === 1, 'présentation anonymisée');
  check(await page.getByText('Facture de régularisation').count() === 1, 'avis de l’instructeur présenté');
  await audit(page, 'presentation');
  await page.getByLabel('Décision').selectOption('accorde');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.waitForLoadState('load');

  // Back to the social worker: the decision and its letter.
  await as(page, 'social');
  await page.goto(url);
  check(await page.getByText(/Accordée, 240,00/).count() === 1, 'décision enregistrée');
  const letter = await page.request.get(BASE + '/aides/demandes/' + id + '/lettre.pdf');
  check(letter.status() === 200 && (letter.headers()['content-type'] || '').includes('application/pdf'), 'lettre de décision (PDF)');
  await page.goto(BASE + '/aides?liste=a_notifier');
  check(await page.getByRole('link', { name: id, exact: true }).count() === 1, 'dans la liste « À notifier »');
  await audit(page, 'aides-liste');
}
