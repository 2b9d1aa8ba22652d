"""Evidence frames: "no evidence / proof / study ... that X" denies X (pure).

A debunking sentence names the claim after such a frame, however long: "there's no
convincing evidence linking antiperspirants or deodorants to breast cancer", "no trial
has shown that it treats cancer", "no study has ever found a link between the MMR
vaccine and autism", "there is no scientific basis for the claim that vaccines cause
autism". The aligner counts a negation up to NEGATION_REACH words before its window,
and its best window could start past that and read X as said. So the frame's negation
is counted where the frame hands over to X: its last closing word ("linking",
"between", "that", "shows"), or its noun when none follows ("no sign of Ted Cruz": the
noun stays in the negation's reach; counted at "of", a window ending at "sign" was read
un-negated). The unit's parity is the same either way.
"""

from __future__ import annotations

EVIDENCE = frozenset("""evidence proof link links connection sign signs trial trials study studies
research data basis""".split())
EVIDENCE_GAP = 2    # words between the negation and the noun ("no convincing scientific evidence")
# Words that hand the frame over to X...
CLOSING = frozenset("""that whether linking links linked connecting tying between suggest suggests
suggesting show shows showed shown showing prove proves proved proven support supports
supporting""".split())
# ...and the words a frame runs through on the way ("has ever found a link between", "for
# the claim that", "whatsoever")
THROUGH = CLOSING | EVIDENCE | frozenset("""has have had ever yet been found finds a an the any of
for to whatsoever claim claims idea notion belief theory suggestion assertion""".split())
FRAME_WORDS = 10    # a frame is at most this long from its noun


def frame_end(norms: list[str], k: int) -> int:
    """Where the negation ``k`` counts: the last closing word of the evidence frame it
    opens, the frame's noun when no closing word follows, or ``k`` itself (no frame)."""
    n = len(norms)
    noun = next((j for j in range(k + 1, min(n, k + 2 + EVIDENCE_GAP)) if norms[j] in EVIDENCE), None)
    if noun is None:
        return k
    end = noun
    for j in range(noun + 1, min(n, noun + 1 + FRAME_WORDS)):
        if norms[j] not in THROUGH:
            break
        if norms[j] in CLOSING:
            end = j
    return end
