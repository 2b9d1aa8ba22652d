"""The pure matcher: spans, guards, index updates, explain, find_similar."""

from __future__ import annotations

import msgspec
import pytest
from support import FIXTURES

from claimnotes.matcher import (DEFAULT_THRESHOLD, ClaimIndex, Match, find_similar, match_blocks,
                                reference_match_blocks)
from claimnotes.terms import analyse, term_of

CLAIMS = [
    ("chemo-spreads", ["Chemotherapy causes cancer to spread.", "chemo spreads cancer through the body"]),
    ("bats-blind", ["Bats are blind."]),
    ("vaccines-autism", ["Vaccines cause autism.", "the MMR vaccine causes autism"]),
    ("smith-hospitals", ["Smith voted to close 12 hospitals."]),
    ("einstein-math", ["Einstein failed math."]),
    ("brain-10", ["We only use 10% of our brains."]),
    ("earth-flat", ["The Earth is flat."]),
    ("cancer-fungus", ["Cancer is a fungus."]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)


def found(text: str, index: ClaimIndex, **kw: object) -> list[tuple[str, str]]:
    return [(m.claim_id, m.quote) for m in match_blocks([("b", text)], index, **kw)]


@pytest.mark.parametrize(("text", "claim", "quote"), [
    ("My aunt says chemotherapy causes cancer to spread. I disagree.", "chemo-spreads",
     "My aunt says chemotherapy causes cancer to spread."),
    ("Chemo spreads cancer through the body!!", "chemo-spreads", "Chemo spreads cancer through the body!!"),
    ("Did you know Einstein flunked math?", "einstein-math", "Did you know Einstein flunked math?"),
    ("Fun fact: we only use ten percent of our brains.", "brain-10", "we only use ten percent of our brains."),
    ("We only use 10 per cent of our brains", "brain-10", "We only use 10 per cent of our brains"),
    ("Smith voted to close 12 hospitals last year.", "smith-hospitals", "Smith voted to close 12 hospitals last year."),
    ("THE EARTH IS FLAT!!!", "earth-flat", "THE EARTH IS FLAT!!!"),
    ("For years I was convinced bats r blind.", "bats-blind", "For years I was convinced bats r blind."),
    ("\u201cVaccines cause autism,\u201d he wrote.", "vaccines-autism", "\u201cVaccines cause autism,\u201d he wrote."),
    ("Vaccines cause autism and nobody will admit it.", "vaccines-autism",
     "Vaccines cause autism and nobody will admit it."),
    ("Kids today don't know that vaccines cause autism.", "vaccines-autism",
     "Kids today don't know that vaccines cause autism."),
    ("No, bats are blind, everyone knows that.", "bats-blind", "No, bats are blind, everyone knows that."),
])
def test_finds_claim_with_sentence_span(text: str, claim: str, quote: str, index: ClaimIndex) -> None:
    assert (claim, quote) in found(text, index)


@pytest.mark.parametrize("text", [
    "Bats are the only mammals capable of true flight.",      # shares words with a short claim
    "Jones voted to close 12 hospitals.",                     # another name
    "Smith voted to close 3 hospitals.",                      # another number
    "Vaccines do not cause autism.",                          # negated
    "It is not true that vaccines cause autism.",
    "The weather today is lovely and the cancer ward got a new roof.",
    "Einstein was good at math.",
    "Bats and blind cave fish live down there.",              # a two-word claim's words, only listed
    "Cancer and fungus research got new funding.",
    "The cancer fungus theory keeps coming back.",             # ...or side by side
    "After two weekends with a rake the earth in our backyard is finally flat",  # ...or a place
    "The bats in my attic are totally blind to the traps.",   # narrows the first before the verb
    "No, vaccines don't cause autism.",                       # an answer "no" does not cancel the "not"
    "No. Bats are not blind.",                                # (nor in the pair of two sentences)
    "No vaccine causes autism.",                              # a "no" before its word still negates
])
def test_does_not_fire(text: str, index: ClaimIndex) -> None:
    assert found(text, index) == []


@pytest.mark.parametrize(("text", "claim"), [
    ("The earth is pretty flat, if you ask me.", "earth-flat"),
    ("Bats are totally blind in daylight.", "bats-blind"),   # the place comes after the verb
])
def test_a_two_word_claim_with_words_between(text: str, claim: str, index: ClaimIndex) -> None:
    assert [c for c, _ in found(text, index)] == [claim]


def test_a_two_word_claim_that_names_a_place_has_no_verb_to_narrow() -> None:
    index = ClaimIndex.build([("gravity", ["There is no gravity in space."])])
    assert [c for c, _ in found("Astronauts float because there is no gravity in outer space.", index)] == ["gravity"]


def test_offsets_are_utf16_units(index: ClaimIndex) -> None:
    text = "\U0001f600\U0001f600 ok. Cancer is a fungus."
    (m,) = match_blocks([("b", text)], index)
    units = text.encode("utf-16-le")
    assert units[2 * m.start:2 * m.end].decode("utf-16-le") == m.quote == "Cancer is a fungus."
    assert m.start == len("\U0001f600\U0001f600 ok. ") + 2


def test_one_match_per_claim_per_block_and_sorting(index: ClaimIndex) -> None:
    blocks = [("b2", "Cancer is a fungus. Also, cancer is a fungus, truly. The Earth is flat."),
              ("b1", "Vaccines cause autism.")]
    ms = match_blocks(blocks, index)
    assert [(m.block_id, m.claim_id) for m in ms] == [
        ("b2", "cancer-fungus"), ("b2", "earth-flat"), ("b1", "vaccines-autism")]
    assert ms[0].quote == "Cancer is a fungus."
    assert all(isinstance(m, Match) and m.parts is None for m in ms)


def test_overlapping_spans_are_resolved() -> None:
    index = ClaimIndex.build([("short", ["The Earth is flat."]),
                              ("long", ["People in Columbus's time believed the Earth was flat."])])
    ms = match_blocks([("b", "In Columbus's time people believed the earth was flat.")], index)
    assert [m.claim_id for m in ms] == ["long"]


def test_specific_claim_wins_when_its_span_contains_the_general_one() -> None:
    index = ClaimIndex.build([("short", ["The Earth is flat."]),
                              ("long", ["People in Columbus's time believed the Earth was flat."])])
    text = "My teacher said in Columbus's time most people believed the earth was flat."
    ms = match_blocks([("b", text)], index)
    assert [(m.claim_id, m.quote) for m in ms] == [("long", text)]
    # Not a near tie: on score + SPECIFICITY_BONUS * terms alone "short" (100) would win.
    assert ms[0].score < 80


@pytest.mark.parametrize(("text", "expected"), [
    # "long" scores 55 here: under the threshold, but enough to hide "short" in its span.
    ("In Columbus's era most people believed the earth was flat.", []),
    # "long" scores 51 here, under SPECIFIC_FLOOR: "short" is returned.
    ("In Columbus's era, they say, most ordinary people believed that the earth was flat.", ["short"]),
])
def test_a_near_specific_claim_hides_the_general_one(text: str, expected: list[str]) -> None:
    index = ClaimIndex.build([("short", ["The Earth is flat."]),
                              ("long", ["People in Columbus's time believed the Earth was flat."])])
    blocks = [("b", text)]
    assert [m.claim_id for m in match_blocks(blocks, index)] == expected
    assert match_blocks(blocks, index) == reference_match_blocks(blocks, index)


@pytest.mark.parametrize("text", [
    "I don't think so. Vaccines are safe.",        # a negation in the sentence before...
    "Vaccines are safe. Not everyone agrees.",     # ...or a "not" just after, in the next one
])
def test_a_negation_does_not_reach_across_a_sentence_end(text: str) -> None:
    # Two short sentences are also read as one unit; its negations stay in their sentence.
    index = ClaimIndex.build([("unsafe", ["Vaccines are not safe."])])
    assert match_blocks([("b", text)], index) == []
    assert reference_match_blocks([("b", text)], index) == []


@pytest.mark.parametrize(("text", "found_it"), [
    # Two negations joined by "and", "or" or "nor" negate a clause each: they do not cancel.
    ("There are no wild penguins in the Arctic and no polar bears in the Antarctic.", False),
    ("Vaccines are not safe and not effective.", False),
    ("Vaccines are neither safe nor effective.", False),
    # Two in a row without a coordinator still do: "it is not true that ... not".
    ("It is not true that vaccines are not safe and effective.", True),
])
def test_coordinated_negations_do_not_cancel(text: str, found_it: bool) -> None:
    index = ClaimIndex.build([("safe", ["Vaccines are safe and effective."]),
                              ("penguins", ["There are penguins in the Arctic."])])
    ms = match_blocks([("b", text)], index)
    assert bool(ms) == found_it
    assert ms == reference_match_blocks([("b", text)], index)


def test_a_not_in_the_next_sentence_does_not_stretch_the_span() -> None:
    # heldout4: the "not" of "Didn't" counted after "sharks never get cancer" cancelled its
    # "never", so the pair of sentences scored 62.7 from "shark cartilage" on and, starting
    # first, was the quote. The store's IDF weights make that window score: the default store.
    claims = [msgspec.json.decode(line) for line in (FIXTURES / "claims.jsonl").read_bytes().splitlines()]
    index = ClaimIndex.build((c["id"], [c["text"], *c.get("variants", [])]) for c in claims)
    text = ("My dad took shark cartilage pills in the 90s because the bloke in the health food shop said "
            "sharks never get cancer. Didn't help him and cost a fortune.")
    (m,) = [m for m in match_blocks([("b", text)], index) if m.claim_id == "shark-cartilage-cancer"]
    assert m.quote == text[:text.index(" Didn't")]


def test_first_mention_in_a_block_is_the_quote(index: ClaimIndex) -> None:
    text = "In school Einstein famously failed at math. Einstein failed math!"
    (m,) = match_blocks([("b", text)], index)
    assert m.quote == "In school Einstein famously failed at math."
    assert m.score < 100   # the second sentence scores 100, but comes later


@pytest.mark.parametrize(("text", "claim"), [
    ("I can't believe bats are blind!", "bats-blind"),          # surprise: the writer takes it as true
    ("I couldn't believe that chemo spreads cancer through the body.", "chemo-spreads"),
    ("I don't believe bats are blind.", None),                  # disbelief still negates
    ("Bats are not blind, I can't believe people think so.", None),
    ("Isn't it true that vaccines cause autism?", "vaccines-autism"),   # a question puts it forward
    ("Don't you think the Earth is flat?", "earth-flat"),
    ("You can't deny that vaccines cause autism.", "vaccines-autism"),
    ("There's no denying that cancer is a fungus.", "cancer-fungus"),
    # a clause that opens with a negated auxiliary before a noun phrase asks a question
    ("Doesn't the MMR vaccine cause autism?", "vaccines-autism"),
    ("My question: doesn't the MMR vaccine cause autism?", "vaccines-autism"),   # after punctuation
    ("doesnt the MMR vaccine cause autism", "vaccines-autism"),
    ("The MMR vaccine doesn't cause autism.", None),           # not at a clause's start
    ("Don't let the MMR vaccine cause autism fears.", None),   # the imperative: a verb follows
    # ... or before a name, in a sentence that ends with a question mark
    ("Didn't Einstein fail math at school?", "einstein-math"),
    ("Didn't Einstein fail math at school.", None),
    ("DIDN'T EINSTEIN FAIL MATH?", None),                      # capitals: no name to read
    # "nothing more than" / "no more than" says "only"
    ("Cancer is nothing more than a fungus, my aunt says.", "cancer-fungus"),
    # chat spelling without the apostrophe
    ("vaccines dont cause autism", None),
    ("bats arent blind lol", None),
    ("i cant believe bats are blind", "bats-blind"),
    ("isnt it true that vaccines cause autism", "vaccines-autism"),
    # "X, not Y" rejects Y: X is still said; without the comma "not" negates what came before
    ("Vaccines cause autism, not bad parenting.", "vaccines-autism"),
    ("It's the Earth that is flat, not the maps.", "earth-flat"),
    ("Vaccines cause autism not bad parenting.", None),
    # "far from" before a description denies it; before a place it is a distance
    ("Vaccines are far from causing autism.", None),
    ("Bats are far from being blind.", None),
    ("Far from the coast, the Earth is flat.", "earth-flat"),
])
def test_negation_idioms(text: str, claim: str | None, index: ClaimIndex) -> None:
    assert [c for c, _ in found(text, index)] == ([claim] if claim else [])


@pytest.mark.parametrize(("a", "b"), [
    ("wore", "wear"), ("frozen", "freeze"), ("struck", "strikes"), ("thought", "think"),
    ("burnt", "burned"), ("wolves", "wolf"), ("fungi", "fungus"), ("maths", "math"),
    ("mathematics", "math"), ("ppl", "people"), ("secs", "seconds"),
    ("colour", "colors"), ("favourite", "favorite"), ("behaviour", "behavior"), ("centre", "center"),
    ("kilometres", "kilometers"), ("leukaemia", "leukemia"), ("oestrogen", "estrogen"),
    ("diarrhoea", "diarrhea"), ("paediatric", "pediatric"), ("grey", "gray"),
    ("huge", "big"), ("purchased", "buy"), ("utilise", "uses"), ("scared", "afraid"),
    ("nearest", "closest"), ("nearer", "closer"), ("stops", "prevents"),
    ("nature", "natural"), ("coke", "soda"), ("colas", "soda"),
    ("vanished", "disappears"), ("extraterrestrials", "aliens"), ("squashed", "compressed"),
    ("squeezed", "compressed"), ("masts", "towers"),
    ("humanity", "humans"), ("mankind", "human"), ("inflammatory", "inflammation"),
    ("Americas", "America"),
    # the claims' verbs and predicates in the words readers use for them
    ("believed", "thought"), ("reckons", "thinks"),
    ("triggers", "causes"), ("driving", "causes"), ("drove", "caused"), ("healed", "cures"), ("fatal", "kills"), ("deadly", "killing"),
    ("lethal", "kill"), ("protects", "prevents"), ("laced", "contains"), ("unsafe", "dangerous"),
    ("harmful", "dangerous"), ("toxic", "poison"), ("poisonous", "poison"), ("inventor", "invented"),
    ("venomous", "poisonous"), ("ruins", "destroys"), ("wrecked", "destroy"),
    ("infertility", "infertile"), ("fertility", "fertile"), ("magnetic", "magnets"),
    ("concealed", "hidden"), ("suppresses", "hides"), ("withheld", "hiding"), ("fuels", "feeds"),
    ("monitored", "tracks"), ("damages", "harms"), ("combat", "fight"), ("strengthens", "boosts"),
    ("reduces", "lowers"), ("decreased", "lower"), ("largest", "biggest"), ("larger", "bigger"),
    ("hid", "hide"), ("fought", "fight"), ("fed", "feeds"),   # one key per base word in the table
    ("volcanic", "volcanoes"), ("fungal", "fungus"), ("acidity", "acidic"), ("alkalize", "alkaline"),
    ("genetically", "genes"), ("Egyptian", "Egypt"), ("Chinese", "China"), ("autistic", "autism"),
    ("allergic", "allergies"), ("blindness", "blind"), ("invention", "invented"),
    ("discovery", "discovered"), ("predictions", "predicted"), ("mobile", "cell"),
    ("chimps", "chimpanzees"), ("hippos", "hippopotamus"), ("constructed", "built"),
    ("enraged", "angry"), ("furious", "angry"), ("infuriates", "angry"), ("world", "Earth"),
    ("infants", "babies"), ("tablets", "pills"), ("smartphones", "phone"), ("immunity", "immune"),
    ("infections", "infect"), ("infectious", "contagious"), ("hurts", "harm"),
])
def test_word_forms_share_a_term(a: str, b: str) -> None:
    assert term_of(a.lower()) == term_of(b.lower())


@pytest.mark.parametrize(("a", "b"), [
    ("saw", "see"), ("left", "leave"), ("shot", "shoot"), ("found", "find"),   # also other words
    ("ill", "sick"),   # "Will the jab make me ill?" then met "the flu jab makes you sick with flu"
    ("unpasteurised", "unpasteurized"),   # -ise/-ize: see synonyms.american
    ("healing", "cure"), ("deadliest", "kill"), ("protection", "prevent"), ("treats", "cures"),
    ("mexican", "mexico"),   # "Mexican Independence Day is the fifth of May" vs "... is 16 September"
    ("carcinogenic", "cancer"),   # "IARC classed aspartame as possibly carcinogenic" (true) scored 57
    # "hoax" / "scam" / "fake" as one word: "Apollo 11" alone then carried the moon-landing
    # hoax claim (68.1 on a headline, twice); "toxins" as "poison" lost the detox claim's pair
    ("fake", "hoax"), ("toxins", "poison"),
])
def test_ambiguous_forms_stay_apart(a: str, b: str) -> None:
    assert term_of(a) != term_of(b)


def test_chat_spellings_are_stopwords(index: ClaimIndex) -> None:
    (m,) = match_blocks([("b", "omg bats r blind")], index)
    assert m.claim_id == "bats-blind" and m.score == 100.0   # "r" is not an extra word


def test_pronoun_subject_reads_a_name_written_before() -> None:
    index = ClaimIndex.build([("wall", ["The Great Wall of China is visible from space."]), *CLAIMS])
    blocks = [("b0", "We hiked the Great Wall today."), ("b1", "My guide said it is visible from space.")]
    ms = match_blocks(blocks, index)
    assert [(m.block_id, m.claim_id, m.quote) for m in ms] == [
        ("b1", "wall", "My guide said it is visible from space.")]
    assert ms == reference_match_blocks(blocks, index)
    assert match_blocks(blocks[1:], index) == []      # no name before: nothing to stand for
    assert match_blocks(blocks[::-1], index) == []    # a name written after does not count


def test_pronoun_match_must_rest_on_the_sentence_itself() -> None:
    index = ClaimIndex.build([("acorn", ["Kristi Thibaut was an ACORN lobbyist."]), *CLAIMS])
    names = ("b0", "Yesterday Rep. Kristi Thibaut met people from ACORN.")
    # The names alone would make the claim; the sentence adds nothing of it.
    assert match_blocks([names, ("b1", "Later she said it was a long day.")], index) == []
    (m,) = match_blocks([names, ("b1", "Everyone knows she was a lobbyist.")], index)
    assert (m.claim_id, m.block_id) == ("acorn", "b1")


def test_first_word_of_a_sentence_is_not_a_name_for_a_pronoun(index: ClaimIndex) -> None:
    nurse = ("b1", "The nurse said it can cause autism, which is nonsense.")
    assert match_blocks([("b0", "Vaccines are free at the clinic this week."), nurse], index) == []
    (m,) = match_blocks([("b0", "Free Vaccines at the clinic this week."), nurse], index)
    assert m.claim_id == "vaccines-autism" and m.block_id == "b1"


def test_two_claims_in_one_sentence_keep_their_own_words(index: ClaimIndex) -> None:
    ms = match_blocks([("b", "They say vaccines cause autism and that cancer is a fungus.")], index)
    quotes = {m.claim_id: m.quote for m in ms}
    assert set(quotes) == {"vaccines-autism", "cancer-fungus"}
    spans = sorted((m.start, m.end) for m in ms)
    assert spans[0][1] <= spans[1][0]


def test_explain_gives_parts(index: ClaimIndex) -> None:
    (m,) = match_blocks([("b", "Cancer is a fungus.")], index, explain=True)
    assert m.parts is not None
    assert {"coverage", "similarity", "names", "numbers", "negation"} <= set(m.parts)
    assert m.parts["coverage"] == 1.0 and m.score == 100.0


def test_threshold_filters(index: ClaimIndex) -> None:
    text = "chemotherapy spreads cancer, apparently, to the organs"
    (m,) = match_blocks([("b", text)], index, threshold=0)
    assert m.score < 100
    assert match_blocks([("b", text)], index, threshold=m.score + 0.01) == []


def test_upsert_and_remove_take_effect_on_next_call() -> None:
    index = ClaimIndex.build(CLAIMS)
    text = "Goldfish have a three second memory."
    assert found(text, index) == []          # also fills the cache
    index.upsert("goldfish", ["Goldfish have a 3-second memory."])
    assert found(text, index) == [("goldfish", text)]
    assert len(index) == len(CLAIMS) + 1
    index.upsert("goldfish", ["Goldfish cannot swim."])   # replaced, not added
    assert found(text, index) == []
    assert len(index) == len(CLAIMS) + 1
    index.upsert("goldfish", ["Goldfish have a 3-second memory."])
    index.remove("goldfish")
    assert found(text, index) == []
    index.remove("never-there")
    assert len(index) == len(CLAIMS)


def test_many_upserts_compact_and_still_match() -> None:
    index = ClaimIndex.build(CLAIMS)
    for i in range(600):
        index.upsert(f"c{i}", [f"Zorblax{i} causes quintessential flibber{i} syndrome."])
    for i in range(0, 600, 2):
        index.remove(f"c{i}")
    assert len(index) == len(CLAIMS) + 300
    assert found("Zorblax7 causes quintessential flibber7 syndrome.", index)[0][0] == "c7"
    assert found("Zorblax8 causes quintessential flibber8 syndrome.", index) == []


def test_update_applies_a_batch_and_matches_on_next_call() -> None:
    index = ClaimIndex.build(CLAIMS)
    text = "Goldfish have a three second memory."
    assert found(text, index) == []          # also fills the cache
    batch = [(f"c{i}", [f"Zorblax{i} causes quintessential flibber{i} syndrome."]) for i in range(600)]
    gone = CLAIMS[0][0]
    index.update([*batch, ("goldfish", ["Goldfish have a 3-second memory."])], removals=[gone, "never-there"])
    assert len(index) == len(CLAIMS) - 1 + 601
    assert index._indexed == len(index._entries)   # more than 256 new entries: rebuilt, none pending
    assert index.rebuilds == 2                     # build() and this batch: one rebuild, not one per claim
    assert found(text, index) == [("goldfish", text)]
    assert found("Zorblax7 causes quintessential flibber7 syndrome.", index)[0][0] == "c7"
    gone_text = CLAIMS[0][1][0]
    assert all(claim != gone for claim, _ in found(gone_text, index))


def test_empty_index_and_empty_input() -> None:
    empty = ClaimIndex.build([])
    assert len(empty) == 0
    assert match_blocks([("b", "Cancer is a fungus.")], empty) == []
    assert find_similar("Cancer is a fungus.", empty) == []
    index = ClaimIndex.build(CLAIMS)
    assert match_blocks([], index) == []
    assert match_blocks([("b", "")], index) == []
    assert find_similar("", index) == []


def test_texts_must_be_strings() -> None:
    with pytest.raises(ValueError):
        ClaimIndex.build([("x", [None])])  # type: ignore[list-item]


def test_long_sentence_uses_windows(index: ClaimIndex) -> None:
    filler = " ".join(f"word{i}" for i in range(150))
    text = f"{filler} and vaccines cause autism and {filler}"
    (m,) = match_blocks([("b", text)], index)
    assert m.claim_id == "vaccines-autism"
    assert m.quote == "vaccines cause autism"  # the sentence is too long to quote whole


def test_find_similar_ranks_best_first(index: ClaimIndex) -> None:
    res = find_similar("is chemo really spreading the cancer?", index, limit=3)
    assert res[0][0] == "chemo-spreads"
    assert [s for _, s in res] == sorted((s for _, s in res), reverse=True)
    assert all(0 <= s <= 100 for _, s in res)
    assert len(find_similar("cancer", index, limit=1)) == 1


def test_default_threshold_is_a_score() -> None:
    assert 0 < DEFAULT_THRESHOLD < 100


PAGES = [
    "My uncle swears chemo spreads cancer through the body. He also thinks the Earth is flat!",
    "Smith voted to close 12 hospitals. Jones voted to close 12 hospitals. Bats are blind.",
    "\U0001f987 bats r blind lol. Vaccines don't cause autism. The MMR vaccine causes autism, she said.",
]


@pytest.mark.parametrize("page", PAGES)
def test_fast_path_agrees_with_reference(page: str, index: ClaimIndex) -> None:
    blocks = [(f"b{i}", p) for i, p in enumerate(page.split(". "))] + [("all", page)]
    assert match_blocks(blocks, index) == reference_match_blocks(blocks, index)


OWN_WORDS = [
    ("mercury-hottest", ["Mercury is the hottest planet because it is closest to the Sun.",
                         "Mercury is the hottest planet", "the closest planet to the sun is the hottest"]),
    ("biopsy-spreads", ["A biopsy makes cancer spread.", "surgery makes cancer spread"]),
    ("sugar-feeds", ["Sugar feeds cancer."]),
    ("fungus", ["Cancer is a fungus."]),
    ("lemons", ["Lemons cure cancer."]),
    ("phones", ["Cell phones cause cancer."]),
]


@pytest.mark.parametrize(("text", "expected"), [
    # Every text of the claim has "hottest", and no other claim: without it the
    # sentence says something else about Mercury.
    ("Mercury is the closest planet to the Sun, though.", []),
    ("Mercury is the hottest planet, being closest to the Sun.", ["mercury-hottest"]),
    # "cancer" is in every text too, but other claims share it: a topic word, which
    # pages name in other words.
    ("Is it true that a biopsy can make the tumour spread?", ["biopsy-spreads"]),
])
def test_a_span_needs_the_claims_own_words(text: str, expected: list[str]) -> None:
    index = ClaimIndex.build(OWN_WORDS)
    blocks = [("b", text)]
    assert [m.claim_id for m in match_blocks(blocks, index)] == expected
    assert match_blocks(blocks, index) == reference_match_blocks(blocks, index)


def test_chat_theres_is_a_stopword() -> None:
    # "theres" is "there's" without the apostrophe: both stopwords, so no extra word.
    index = ClaimIndex.build([("mercury", ["there is mercury in vaccines"]), *CLAIMS])
    (m,) = match_blocks([("b", "she says theres mercury in vaccines")], index)
    assert m.claim_id == "mercury" and m.score == 100.0


def test_no_before_a_number_is_the_abbreviation() -> None:
    # "No. 1" stays a negation on the page as in the claim text (analyse sees no spans), so
    # the claim still matches its own words; an answer "No, ..." is not one (test_does_not_fire).
    index = ClaimIndex.build([("bankruptcy", ['Health care is the "No. 1 reason for bankruptcy."']), *CLAIMS])
    (m,) = match_blocks([("b", "Health care is the No. 1 reason for bankruptcy, he said.")], index)
    assert m.claim_id == "bankruptcy" and m.score > 90


@pytest.mark.parametrize(("text", "claim"), [
    # "no ... evidence / study / trial" denies what follows however far it is
    ("There's no convincing evidence linking the MMR shot or vaccines to autism.", None),
    ("No trial has ever shown that chemo spreads cancer through the body.", None),
    ("No good scientific evidence shows that the Earth is flat.", None),
    ("There is no scientific basis for the claim that vaccines cause autism.", None),
    ("No study has ever found a link between the MMR vaccine and autism.", None),
    ("There's no proof whatsoever that chemo spreads cancer through the body.", None),
    # the frame denies its own clause only: the claim made again later still counts
    ("There is no sign that vaccines cause autism, but my aunt insists vaccines cause autism.", "vaccines-autism"),
    ("There is evidence that vaccines cause autism, my neighbour says.", "vaccines-autism"),
    # "no" far from such a noun is counted where it stands
    ("I have no idea why, but my aunt insists vaccines cause autism.", "vaccines-autism"),
])
def test_an_evidence_frame_negates_what_it_links(text: str, claim: str | None, index: ClaimIndex) -> None:
    assert [c for c, _ in found(text, index)] == ([claim] if claim else [])


def test_one_after_a_determiner_is_a_pronoun_not_a_number() -> None:
    # As the number 1 the claim's "the one" made the numbers guard require a "1" of the
    # page, which says "the ones" (93 with the pronoun, 38 with the number).
    index = ClaimIndex.build([("darwin", ["Darwin said it is not the strongest species that survives "
                                          "but the one most adaptable to change."]), *CLAIMS])
    (m,) = match_blocks([("b", "As Darwin put it, it's not the strongest species that survive "
                                "but the ones most adaptable to change.")], index)
    assert m.claim_id == "darwin" and m.score > 90
    # still a number where it counts: "the one hundred days", "every one new rule"
    assert "100" in analyse("the one hundred days").terms
    assert "1" in analyse("cut 22 rules for every one new rule").terms
    assert "1" not in analyse("the one most adaptable").terms


def test_a_claim_losing_its_pair_to_another_claim_keeps_its_own_sentence() -> None:
    # Read together, the two sentences are the hoax claim's first mention ("global warming.
    # The whole climate crisis is a hoax", 66.7: the plain pair does not read "climate
    # crisis" as "climate change"), whose first words the first sentence's claim holds.
    # That span is dropped, and the second sentence, which makes the claim alone (100), is
    # its mention instead of none.
    index = ClaimIndex.build([("disagree", ["scientists reject global warming"]),
                              ("hoax", ["global warming is a hoax", "climate change is a hoax"])])
    text = ("Thousands of scientists reject the idea that humans are causing global warming. "
            "The whole climate crisis is a hoax designed to raise taxes.")
    got = {m.claim_id: m.quote for m in match_blocks([("b", text)], index)}
    assert got == {"disagree": "Thousands of scientists reject the idea that humans are causing global warming.",
                   "hoax": "The whole climate crisis is a hoax designed to raise taxes."}
    assert got == {m.claim_id: m.quote for m in reference_match_blocks([("b", text)], index)}


@pytest.mark.parametrize(("text", "claim"), [
    ("The Sahara is the largest desert in the world.", "sahara"),
    ("Everyone knows the Sahara is the biggest desert on Earth.", "sahara"),
    # a narrower kind, an ordinal or "one of the" is another, true, statement
    ("The Sahara is the largest hot desert in the world.", None),
    ("The Sahara is the largest non-polar desert.", None),
    ("The Sahara is the third largest desert.", None),
    ("The Sahara is only around the 48th largest desert.", None),
    ("The Sahara is the 21st largest desert.", None),
    ("The Sahara is one of the largest deserts in the world.", None),
    ("Mercury is one of the hottest planets.", None),
    ("Mercury is the hottest planet, my teacher said.", "mercury"),
    # a list of superlatives still ranks among all deserts
    ("The Sahara is the biggest, hottest desert in the world.", "sahara"),
    ("The Sahara is the largest and hottest desert.", "sahara"),
])
def test_a_narrowed_superlative_is_not_the_claim(text: str, claim: str | None) -> None:
    index = ClaimIndex.build([("sahara", ["The Sahara is the largest desert."]),
                              ("mercury", ["Mercury is the hottest planet."]), *CLAIMS])
    assert [m.claim_id for m in match_blocks([("b", text)], index)] == ([claim] if claim else [])
    assert [m.claim_id for m in reference_match_blocks([("b", text)], index)] == ([claim] if claim else [])


def test_a_claim_that_ranks_so_itself_still_matches() -> None:
    index = ClaimIndex.build([("wv", ["Last year we had the eighth fastest-growing economy in the country."]),
                              ("evans", ["I helped win one of the biggest lawsuits against Medicare fraud."])])
    text = ("Last year we had the eighth fastest-growing economy in the country, he said. "
            "I helped win one of the biggest lawsuits against Medicare fraud, she said.")
    assert {m.claim_id for m in match_blocks([("b", text)], index)} == {"wv", "evans"}
