"""What the demo venue's papers say: names, titles, rooms, in French as a French venue writes."""

from __future__ import annotations

ORGS = {  # kind: names
    "company": "Compagnie du Hérisson|Compagnie Les Éphémères|Théâtre de l'Écume|Compagnie "
    "Mélusine|Collectif Pièces Détachées|Compagnie Rêve Général|Ballet du Fleuve|Compagnie "
    "Étoile Filante|Cirque Hors Piste|Collectif Entre-Deux|Compagnie Sémaphore|Ensemble "
    "Orphée|Quatuor Andromède|Trio Zéphyr|Compagnie L'Échappée belle|Les Tréteaux de "
    "l'Aube|Compagnie Pétronille|Cirque Équinoxe|Compagnie À Pas Contés|Compagnie Frênésie",
    "producer": "Bureau Clémentine Productions|Les Visiteurs du Soir|Scène Émergente "
    "Production|Arts Vivants Développement|Prodigue Production",
    "agency": "Agence Tournée Générale|Agence Mélodie Booking|Les Décrocheurs de Lune|Bureau "
    "d'artistes Étincelle",
    "partner_venue": "Espace culturel Les Rives",
}
ROLES = {
    "company": "Administratrice de production|Chargé de production|Régisseur général|"
    "Directrice artistique|Chargée de diffusion",
    "producer": "Directeur de production|Chargée de production|Administrateur",
    "agency": "Agent artistique|Chargée de diffusion|Chargé de tournées",
    "partner_venue": "Directrice|Régisseur général|Chargé des relations publiques",
}
FIRST = (
    "Hélène Léa Chloé Jérôme François Zoé Amélie Benoît Mathéo Inès Noémie Gaël Céline "
    "Rémi Estelle Loïc Maëlle Joël Aurélie Stéphane Anaïs Cédric Agnès Frédéric Élodie Théo "
    "Sébastien Clémence Hervé Margaux"
).split()
LAST = (
    "Lefèvre|Bérard|Mercier|Garnier|Fournier|Rousseau|Lemaître|Girard|Chevalier|Dubois|"
    "Faure|Gauthier|Perrin|Leroy|Moreau|Delacroix|Lécuyer|Thébault|Ménard|Poirier|Brossard|"
    "Caradec|Le Goff|Chauvière|Hébert|Prévost|Géraud|Vasseur"
).split("|")
CITIES = (
    "69001 Lyon|44000 Nantes|13001 Marseille|59000 Lille|31000 Toulouse|35000 Rennes|"
    "75011 Paris|33000 Bordeaux|67000 Strasbourg|25000 Besançon|42000 Saint-Étienne|"
    "30000 Nîmes|63000 Clermont-Ferrand|45000 Orléans"
).split("|")
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "place du Marché",
    "rue des Écoles",
    "boulevard Gambetta",
    "impasse des Tisserands",
    "quai de la Fosse",
    "rue Pasteur",
]
TITLES = {
    "théâtre": "Le Misanthrope|Bérénice|La Cerisaie|Les Fausses Confidences|On ne badine pas "
    "avec l'amour|Électre|Nos Éclipses|La Légèreté des pierres|Ceux qui restent|Après la pluie, "
    "l'été|Le Bruit des clés|Une saison à Mézières|Fragments d'un hiver|L'Île aux oiseaux|"
    "Le Jeu de l'amour et du hasard|Britannicus|Oncle Vania|Les Bonnes|Ce qui nous lie|"
    "Le Silence des carrières|Nous étions la forêt|La Maison de Bernarda Alba|Les Veilleurs|"
    "Rivages",
    "danse": "Élan|Sacre(s)|Les Hautes Herbes|Vertiges|Échos|Corps céleste|Marée basse|Ravel|"
    "Terre ferme|Souffles|Les Oiseaux de passage|Boléro(s)",
    "cirque": "Équilibre précaire|La Chute des anges|Trapèze(s)|Les Voltigeurs|Funambule|"
    "Cirque à l'envers|Haut perché|Le Grand Saut|Vol de nuit",
    "musique": "Debussy, Fauré : quatuors|Nuit cubaine|Chansons d'Édith|Trio Zéphyr en concert|"
    "Requiem de Fauré|Bal trad' du printemps|Barbara, l'aigle noir|Cordes sensibles|Voix bulgares|"
    "Schubert, la Jeune Fille et la Mort|Jazz au foyer|Fado de Lisbonne|Chœur de l'Orléanais",
    "jeune public": "La Forêt qui chante|Plume et Caillou|Le Voyage de Léon|Mange tes ronces !|"
    "Ô Lune|Les Petits Géants|Une baleine dans la baignoire|Petit Bleu|La Soupe aux cailloux|"
    "Mon ombre et moi|Dans ma maison de papier|Hänsel et Gretel|Pierre et le loup",
}
# Repertoire that high schools come to see: a school performance on Thursday afternoons.
CLASSICS = frozenset(
    "Le Misanthrope|Bérénice|La Cerisaie|Les Fausses Confidences|On ne badine pas avec l'amour|"
    "Électre|Le Jeu de l'amour et du hasard|Britannicus|Oncle Vania".split("|")
)
GENRES = {  # genre: credits lead, duration range, age guidance, pitch
    "théâtre": (
        "Mise en scène",
        (70, 150),
        "dès 12 ans|dès 14 ans|tout public",
        "{lead} fait entendre « {title} » avec {n} interprètes : une pièce sur {theme}.",
    ),
    "danse": (
        "Chorégraphie",
        (50, 80),
        "dès 8 ans|tout public",
        "Pièce pour {n} danseurs et danseuses, « {title} » explore {theme}.",
    ),
    "cirque": (
        "Mise en piste",
        (60, 90),
        "dès 6 ans|tout public",
        "Portés, agrès et voltige : {n} circassiens racontent {theme}.",
    ),
    "musique": (
        "Direction musicale",
        (70, 110),
        "tout public",
        "{n} musiciens autour de {theme}, entre répertoire et créations.",
    ),
    "jeune public": (
        "Mise en scène",
        (35, 55),
        "dès 3 ans|dès 5 ans|dès 8 ans",
        "Pour les enfants et leurs parents, à {n} interprètes, sur {theme}.",
    ),
}
THEMES = [
    "la transmission entre générations",
    "l'exil et le retour",
    "la fin d'un monde rural",
    "l'amitié à l'épreuve du temps",
    "la mémoire d'une ville ouvrière",
    "la peur du noir",
    "le désir et ses détours",
    "la forêt et ceux qui l'habitent",
    "les marées et la lune",
]
# key: name, capacity, colour, engagements, genres, performance days, fee range, configurations
ROOMS: dict[str, tuple[str, int, str, int, str, tuple[int, int], tuple[int, int], str]] = {
    "grande": (
        "Grande salle",
        650,
        "#b03a2e",
        22,
        "théâtre|danse|cirque|musique",
        (2, 4),
        (6000, 22000),
        "Frontale, gradin complet:650|Frontale avec fosse:590|Debout:900",
    ),
    "gp": (
        "Salle Gérard-Philipe",
        220,
        "#1f618d",
        18,
        "théâtre|danse|jeune public",
        (3, 6),
        (2500, 7000),
        "Frontale:220|Bi-frontale:180",
    ),
    "studio": (
        "Studio",
        80,
        "#7d3c98",
        16,
        "théâtre|jeune public",
        (4, 7),
        (1200, 3500),
        "Frontale:80|Quadri-frontale:64",
    ),
    "hall": (
        "Hall / foyer",
        150,
        "#b9770e",
        10,
        "musique",
        (1, 2),
        (800, 2500),
        "Cabaret:110|Debout:150",
    ),
    "rives": (
        "Salle des Rives",
        320,
        "#117a65",
        7,
        "cirque|théâtre|jeune public",
        (1, 2),
        (2000, 6000),
        "Frontale:320",
    ),
}
SHEETS = {
    "grande": "Cadre 12 m × 8 m, profondeur 11 m, grill à 16 m, 42 porteuses motorisées. "
    "Console lumière ETC Eos, 96 gradateurs ; façade son L-Acoustics. Quai de déchargement.",
    "gp": "Plateau 10 m × 9 m, grill fixe à 7,50 m, 24 perches. Console Chamsys, 48 circuits.",
    "studio": "Boîte noire 9 m × 8 m, grill technique à 6 m, gradin télescopique de 80 places.",
    "hall": "Petite scène 6 m × 4 m, 12 projecteurs LED, diffusion son Yamaha, 2 retours.",
    "rives": "Plateau 12 m × 10 m, grill à 9 m. Accès décors par la cour, hauteur 3,80 m.",
}
# Rooms that cannot be used at the same time, and why (the booking constraint covers both).
LINKS = {
    ("grande", "hall"): "Le foyer est l'accueil public de la Grande salle (billetterie, bar, "
    "vestiaire) et le son passe d'une salle à l'autre : on n'y joue pas quand la Grande salle "
    "travaille."
}
# How long a get-out takes after the last performance, per room.
GET_OUT_HOURS = {"grande": 4.0, "gp": 3.0, "studio": 2.0, "hall": 1.5, "rives": 3.0}
CANCEL_REASONS = [
    "blessure d'une interprète",
    "tournée interrompue par la compagnie",
    "désaccord sur la fiche technique",
    "création reportée à la saison prochaine",
]
HIRES = [
    "Assemblée générale de la Mutuelle des Artisans",
    "Gala de l'école de danse Arabesque",
    "Remise des diplômes de l'IUT",
    "Séminaire Lumière & Réseaux",
    "Congrès des sages-femmes du Centre",
    "Concert de l'Harmonie municipale",
    "Conférence de l'Université populaire",
]
MAINTENANCE = [
    "Maintenance des porteuses",
    "Contrôle des agrès et des accroches",
    "Vérification de la sécurité incendie",
    "Entretien du gradin et des fauteuils",
]
