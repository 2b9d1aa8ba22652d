"""Word families for the store's claim vocabulary (pure data, merged into synonyms.SYNONYMS).

Built from the claims' content words, not from page sentences: for each word a claim text
uses, the everyday words, slang, brand names and spellings readers use for it. Each maps
(lower case, before stemming) to the claim's word, on page and claim alike. Kept only
where no seen page, fact-check paragraph or CheckThat! split lost by it (docs/matching.md,
"Readers' own words", round 2, which also lists the words left out and why).
"""

from __future__ import annotations

_FAMILIES = {
    # animals and people, in slang and in the hyponyms the claims' words cover
    "dog": "doggy doggie doggo doggos pooch pooches", "cat": "kitty kitties moggy moggies",
    "children": "kiddies kiddos", "scientist": "boffin boffins", "doctor": "doc medic medics",
    "worm": "earthworm earthworms",
    "tooth": "gnashers choppers",
    "ship": "boat boats", "short": "titch titchy",
    # the claims' verbs in other verbs
    "turn": "twist twists twisted twisting",
    "shoot": "fling flings flung flinging",
    "eat": "swallow swallows swallowed swallowing", "sweat": "perspire perspires perspiring perspiration",
    "create": "engineered",
    "think": "believe believes believed believing reckon reckons reckoned reckoning",
    # the claims' nouns and adjectives: drugs and remedies by brand and clipping, the
    # British word for the American one and back
    "vaccinated": "jabbed inoculate inoculated inoculation inoculations",
    "radiation": "radiotherapy",
    "hydroxychloroquine": "hcq plaquenil", "aspartame": "nutrasweet", "turmeric": "curcumin",
    "yeast": "candida", "covid": "rona",
    "hoax": "racket rackets", "fake": "bogus phony phoney",
    "freeze": "freezer freezers",
    "quill": "spines spikes", "summit": "peak peaks", "drain": "plughole plugholes",
    "tap": "faucet faucets", "mask": "facemask facemasks",
    "pasteurised": "pasteurized", "cryogenically": "cryogenic cryonic cryonics cryonically",
    "lightning": "lightening",
    "supplement": "capsule capsules", "strike": "hit hits hitting", "place": "spot spots",
    "vaccine": "booster boosters shot shots", "brightest": "outshine outshines outshining",
    "cannabis": "ganja reefer reefers",
}
FAMILIES = {w: base for base, forms in _FAMILIES.items() for w in forms.split()}
