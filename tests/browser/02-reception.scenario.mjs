// A morning at the counter: search → unknown → create the household →
// record a contact → book an appointment, with an accessibility audit of
// each page. Then the social worker's view of the file.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await login(page, 'accueil');
  await audit(page, 'accueil-agent');
  await page.getByRole('link', { name: 'Personnes' }).click();
  await page.getByLabel(/Nom, prénom, date de naissance/).fill('zoé lataniers-test');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Aucune personne ne correspond').count() === 1, 'personne inconnue');
  await audit(page, 'recherche-vide');
  await page.getByRole('link', { name: 'Créer un nouveau foyer' }).click();
  check(await page.getByLabel('Nom d’usage').inputValue() === 'zoé', 'nom prérempli depuis la recherche');
  await page.getByLabel('Nom d’usage').fill('Lataniers');
  await page.getByLabel('Prénoms').fill('Zoé');
  await page.getByLabel('Date de naissance').fill('1992-02-29');
  await page.getByLabel('Voie').fill('rue des Flamboyants');
  await audit(page, 'nouveau-foyer');
  await page.getByRole('button', { name: 'Créer le foyer' }).click();
  await page.waitForLoadState('load');
  check(/\/foyers\/\d+/.test(page.url()), 'foyer créé : ' + page.url());
  check(await page.getByText('Le foyer a été créé.').count() === 1, 'message de création');
  await audit(page, 'foyer');
  // The keyboard's shortest path to record a contact: the second skip link
  // unfolds the form and puts the cursor in its first field (3 keys).
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => { const e = document.activeElement;
    return !!(e && e.closest('#contact') && ['SELECT', 'INPUT', 'TEXTAREA'].includes(e.tagName)); }),
    'contact : le premier champ atteint en 3 touches (Tab, Tab, Entrée)');
  await page.getByLabel('Type de contact').selectOption('visite');
  await page.getByLabel('Réponse apportée').fill('Première venue, liste des pièces remise.');
  await page.getByRole('button', { name: 'Enregistrer le contact' }).click();
  await page.waitForLoadState('load');
  check(await page.getByRole('cell', { name: /Première venue/ }).count() === 1, 'contact visible sur le foyer');
  await page.getByText('Prendre un rendez-vous').click();
  await page.locator('#f-date').fill('2031-06-02');
  await page.locator('#f-time').fill('10:00');
  await page.getByLabel('Objet').fill('Constitution du dossier');
  await page.getByRole('button', { name: 'Prendre le rendez-vous' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText(/02\/06\/2031 10:00/).count() === 1, 'rendez-vous visible sur le foyer');
  await page.goto(BASE + '/rendez-vous?jour=2031-06-02');
  check(await page.getByRole('cell', { name: 'Constitution du dossier' }).count() === 1, 'rendez-vous dans l’agenda');
  await audit(page, 'agenda');
  // She comes back: check-in by the search, received into her file with
  // the contact form ready, the passage ended by the contact.
  await page.goto(BASE + '/accueil');
  await page.getByLabel(/Qui arrive/).fill('Lataniers');
  await page.getByRole('button', { name: 'Chercher' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel(/Lataniers Zoé — dossier/).check();
  await page.getByRole('button', { name: 'Ajouter à la file' }).click();
  await page.waitForLoadState('load');
  check(await page.getByText('Zoé Lataniers').count() >= 1, 'file d’attente');
  await audit(page, 'file-attente');
  await page.getByRole('button', { name: 'Recevoir : Zoé Lataniers' }).click();
  await page.waitForLoadState('load');
  check(/\/foyers\/\d+\?file=\d+/.test(page.url()), 'reçue : son dossier, ' + page.url());
  await page.getByLabel('Réponse apportée').fill('Pièces du dossier déposées.');
  await page.getByRole('button', { name: 'Enregistrer le contact et terminer le passage' }).click();
  await page.waitForLoadState('load');
  check(page.url().includes('/accueil?ok=termine'), 'passage terminé : ' + page.url());
  check(await page.getByText('Le passage est terminé').count() === 1, 'contact enregistré avec sa durée');
  // Live search as the agent types (htmx).
  await page.goto(BASE + '/personnes');
  await page.getByLabel(/Nom, prénom, date de naissance/).pressSequentially('latanier', { delay: 20 });
  await page.waitForSelector('#resultats table');
  check(await page.locator('#resultats').getByText('Lataniers').count() >= 1, 'recherche pendant la frappe');
  await audit(page, 'recherche');
  await page.goto(BASE + '/partenaires');
  await audit(page, 'partenaires');
}
