"""The claim vocabulary's word families (families.py) and its words and runs for several of
the claims' words (idioms.py, round 2): each made-up sentence is missed without its entry."""

from __future__ import annotations

import pytest

from claimnotes.idioms import idioms
from claimnotes.matcher import ClaimIndex, match_blocks
from claimnotes.terms import sentence_units, term_of

CLAIMS = [
    ("porcupines", ["Porcupines can shoot their quills."]),
    ("owls", ["Owls can turn their heads all the way around."]),
    ("napoleon", ["Napoleon was very short."]),
    ("washington", ["George Washington had wooden teeth."]),
    ("climate-hoax", ["Climate change is a hoax."]),
    ("power-lines", ["Living near power lines causes cancer."]),
    ("light-cigarettes", ["Light cigarettes are safer than regular cigarettes."]),
    ("penguins", ["Penguins live at the North Pole."]),
    ("govt-cancer", ["Cancer was created by the US government to eliminate minorities."]),
    ("ice-age", ["In the 1970s scientists predicted a coming ice age.", "an ice age is coming"]),
    ("incognito", ["Incognito mode makes you anonymous online.",
                   "incognito mode hides you online", "nobody can track you in incognito mode"]),
    ("gmo", ["GMO food causes cancer."]),
    ("pyramids", ["The Egyptian pyramids were built by slaves."]),
    ("ostriches", ["Ostriches bury their heads in the sand.", "ostriches bury their heads"]),
    ("columbus", ["Christopher Columbus was the first European to reach the Americas."]),
    ("chemtrails", ["Chemtrails are poisoning us."]),
    ("ivermectin", ["Ivermectin cures COVID."]),
    ("dst", ["Daylight saving time was introduced to help farmers."]),
    ("dogs", ["Dogs only see in black and white."]),
    ("soda", ["Soda dissolves teeth overnight."]),
    ("north-star", ["The North Star is the brightest star in the night sky."]),
    ("shots", ["Vaccines are full of toxic mercury."]),
    ("frankenstein", ["In Mary Shelley's novel, the monster is called Frankenstein.",
                      "Frankenstein is the name of the monster", "the monster's name is Frankenstein",
                      "Frankenstein is the monster", "Frankenstein's monster is named Frankenstein",
                      "the green monster Frankenstein",
                      "the monster in Frankenstein is called Frankenstein"]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)


@pytest.mark.parametrize(("word", "claims_word"), [
    ("flung", "shoot"), ("spines", "quill"), ("twisting", "turn"),
    ("titch", "short"), ("choppers", "tooth"), ("racket", "hoax"), ("jabbed", "vaccinated"),
    ("booster", "vaccine"), ("radiotherapy", "radiation"), ("hcq", "hydroxychloroquine"),
    ("curcumin", "turmeric"), ("pooch", "dog"), ("boffins", "scientist"), ("earthworm", "worm"),
    ("swallowed", "eat"), ("perspiration", "sweat"), ("freezer", "freeze"),
    ("plughole", "drain"), ("faucet", "tap"), ("bogus", "fake"), ("peak", "summit"),
    ("pasteurized", "pasteurised"), ("cryonics", "cryogenically"), ("lightening", "lightning"),
    ("capsules", "supplement"), ("hits", "strike"), ("spot", "place"), ("shots", "vaccine"),
    ("outshines", "brightest"), ("ganja", "cannabis"),
])
def test_claim_word_families(word: str, claims_word: str) -> None:
    assert term_of(word) == term_of(claims_word)


@pytest.mark.parametrize(("text", "claim"), [
    ("Porcupines can fling their spines at you when they're cross.", "porcupines"),
    ("Owls can twist their heads all the way round.", "owls"),
    ("Everyone knows Napoleon was a titch.", "napoleon"),
    ("Washington had wooden choppers.", "washington"),
    ("This climate change business is a racket.", "climate-hoax"),
    ("Living near pylons causes cancer, my mum says.", "power-lines"),             # one word, two
    ("Superlights are safer than regular cigarettes.", "light-cigarettes"),
    ("Penguins live in the Arctic, right?", "penguins"),
    ("Cancer was cooked up by the US government to get rid of minorities.", "govt-cancer"),
    ("An ice age was on its way, they said.", "ice-age"),
    ("Private mode makes you anonymous online.", "incognito"),
    ("Genetically modified food causes cancer.", "gmo"),
    ("The pyramids were put up by slaves.", "pyramids"),
    ("A scared ostrich sticks its head in the ground.", "ostriches"),
    ("Columbus was the first man from Europe to set foot in the Americas.", "columbus"),
    ("Chem trails are poisoning us.", "chemtrails"),
    ("Horse dewormer cures covid, trust me.", "ivermectin"),
    ("DST was brought in to help farmers.", "dst"),
    ("Dogs only see in shades of grey.", "dogs"),
    ("Fizzy drinks dissolve teeth overnight!", "soda"),
    ("The Pole Star outshines every other star at night.", "north-star"),
    ("The shots are full of mercury.", "shots"),
])
def test_read_in_the_claims_words(text: str, claim: str, index: ClaimIndex) -> None:
    ms = match_blocks([("b", text)], index)
    assert [m.claim_id for m in ms] == [claim]
    assert ms[0].quote == text


def test_one_word_read_as_two_spans_it_alone() -> None:
    (u,) = sentence_units("Kids near pylons get sick.")
    read = idioms(u)
    assert read is not None and [t.norm for t in read.tokens][2:4] == ["power", "lines"]
    assert read.tokens[2].start == read.tokens[3].start == u.tokens[2].start
    assert idioms(sentence_units("Penguins live in the Antarctic.")[0]) is None


@pytest.mark.parametrize("text", [
    "Does private browsing hide my searches from my family?",                        # not "incognito"
])
def test_words_left_out_do_not_match(text: str, index: ClaimIndex) -> None:
    assert [m.claim_id for m in match_blocks([("b", text)], index)] == []


@pytest.mark.parametrize(("word", "claims_word"), [
    ("creature", "monster"),          # "the creature he makes is never given a name" (heldout2)
    ("descended", "evolved"),         # "... not that we are descended from chimps" (heldout4)
    ("unpasteurised", "raw"),         # "I make raw milk cheese" then met "unpasteurized milk ..."
    ("homeopathy", "homeopathic"),    # lost "homeopathy works better than antihistamines" (heldout3)
    ("scam", "hoax"),                 # "it was shot on a set" then met the Moon-landing hoax (heldout5)
    ("airplanes", "plane"),           # "plane" stems as "plan": CheckThat! 2B train fell
    ("overloaded", "overwhelm"),      # an unlabelled pair on the golden forum-thread page
    ("rotates", "turn"),              # a true owl sighting, "turning its head almost all the way
                                      # round", rose to 57 (dev)
])
def test_words_left_out_stay_apart(word: str, claims_word: str) -> None:
    assert term_of(word) != term_of(claims_word)
