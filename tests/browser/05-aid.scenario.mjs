// The rulebook editor (manager) and a simulation (social worker), audited.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'responsable');
  await page.goto(BASE + '/aides/reglement');
  check(await page.getByLabel('Texte du règlement').inputValue().then(t => t.includes('aide : secours_urgence')), 'règlement de démonstration');
  await audit(page, 'reglement');
  await page.goto(BASE + '/foyers/1/simulation');
  check(await page.getByRole('rowheader', { name: 'Secours d’urgence' }).count() === 1, 'simulation affichée');
  await audit(page, 'simulation');
}
