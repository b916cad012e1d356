# Generates a persons CSV for `openccas import personnes` (bench): awk -v N=HOUSEHOLDS -v ROWS=MAX -f bench/persons.awk
BEGIN {
  split("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre Mercier Dupont Lambert Bonnet François Martinez N'Diaye Hoarau Payet Técher Grondin Le-Goff Da-Silva Nguyen Benali Öztürk", L, " ");
  split("Hélène Noémie Théo Zoé Jérôme Chloé Léa Maëlle Anaïs Éric Célia Raphaël Inès Aïcha Mamadou Karim Julie Camille Hugo Lucas Emma Louise Jade Arthur Jules Gabriel Léo Adam Manon Sarah", F, " ");
  srand(7);
  print "foyer;lien;nom;prenoms;sexe;date_naissance;telephone;numero;voie;code_postal;commune";
  rows = 0;
  for (h = 1; h <= N; h++) {
    ln = L[int(rand() * 40) + 1]; k = 1 + int(rand() * 4);
    for (m = 1; m <= k; m++) {
      rel = m == 1 ? "demandeur" : (m == 2 && k > 2 ? "conjoint" : "enfant");
      y = rel == "enfant" ? 2008 + int(rand() * 16) : 1945 + int(rand() * 60);
      printf "H%d;%s;%s;%s;%s;%04d-%02d-%02d;06%08d;%d;rue des Lilas;97400;Port-Rivière\n", h, rel, ln, F[int(rand() * 30) + 1], (rand() < 0.5 ? "F" : "M"), y, 1 + int(rand() * 12), 1 + int(rand() * 28), int(rand() * 99999999), 1 + int(rand() * 200);
      rows++;
      if (rows >= ROWS) exit;
    }
  }
}
