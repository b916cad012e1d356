// Log in, see the home page, visit the administration pages, log out.
import { BASE, check, login, audit } from './lib.mjs';
export default async function (page) {
  await page.goto(BASE + '/');
  check(page.url().includes('/connexion'), 'anonyme → page de connexion');
  await audit(page, 'connexion');
  await login(page, 'admin');
  check(await page.locator('h1').innerText().then(t => /^(Bonjour|Bonsoir) Nadia Fontaine/.test(t)), 'page d’accueil en français');
  await audit(page, 'accueil');
  await page.getByRole('link', { name: 'Utilisateurs' }).click();
  check(await page.getByRole('cell', { name: 'Maëlle Payet' }).count() === 1, 'liste des utilisateurs');
  await audit(page, 'utilisateurs');
  await page.getByRole('link', { name: 'Ajouter un utilisateur' }).click();
  await page.getByLabel('Nom et prénom').fill('Lucie Hoarau');
  await page.getByLabel('Adresse e-mail professionnelle').fill('pas-une-adresse');
  await page.getByRole('button', { name: 'Ajouter' }).click();
  check(await page.getByLabel('Nom et prénom').inputValue() === 'Lucie Hoarau', 'saisie conservée après refus');
  await audit(page, 'utilisateur-refuse');
  await page.goto(BASE + '/admin/structure');
  await audit(page, 'structure');
  await page.goto(BASE + '/admin/roles');
  await audit(page, 'roles');
  await page.goto(BASE + '/compte');
  await audit(page, 'compte');
  await page.goto(BASE + '/nulle-part');
  await audit(page, 'erreur-404');
  // An unknown address is answered before any database work: the page is
  // the anonymous one, with the way back.
  await page.getByRole('link', { name: 'Revenir à l’accueil' }).click();
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForLoadState('load');
  check(page.url().includes('/connexion'), 'déconnexion');
  await login(page, 'dpo');
  await page.getByRole('link', { name: 'Journal' }).click();
  check(await page.locator('table.data tbody tr').count() > 0, 'journal lisible par le DPO');
  await audit(page, 'journal');
  await page.goto(BASE + '/accessibilite');
  await audit(page, 'accessibilite');
}
