"""How faithfully a generated document reproduces a seed document: the share of the seed's words
that appear, in the same order, in the generated text.

    fidelity(seed_text, generated_text) = LCS(seed words, generated words) / number of seed words

Normalisation, applied to both texts: HTML tags and Markdown link targets are dropped (the seed
extraction leaked `<ul style=...><li>` markup into table cells and writes links as `[text](#)`);
text is lower-cased; every run of characters that is not a letter or digit separates words, so
whitespace, punctuation, quotes (straight or curly), ticks and the leader dots of a table of
contents do not count. Lines of the seed listed in SKIPPED_SEED_LINES (the Plain English Campaign
logo text and its member number) are left out, as the issue allows.
"""

import html
import re
from pathlib import Path

# The seed documents, kept in the repository (tests/seeds/README.md).
SEEDS = Path(__file__).parent / "seeds"
RID_V8_SEED = SEEDS / "003_238d4cd8a45edac0.txt"
OPSG_PAPER_SEED = SEEDS / "001_27df719fe8cf6ad1.txt"

SKIPPED_SEED_LINES = {
    "corporate member of",
    "plain english campaign",
    "committed to clearer",
    "communication",
    "592",
}

_TAG = re.compile(r"<[^>]+>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text):
    text = html.unescape(_TAG.sub(" ", _MD_LINK.sub(r"\1", text)))
    return _WORD.findall(text.lower())


def seed_words(seed_text):
    kept = [
        line for line in seed_text.splitlines() if line.strip().lower() not in SKIPPED_SEED_LINES
    ]
    return words("\n".join(kept))


def lcs_length(a, b):
    """Length of the longest common subsequence of two word lists (O(len(a) * len(b)) time,
    O(len(b)) memory)."""
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        append = current.append
        for j, y in enumerate(b):
            if x == y:
                append(previous[j] + 1)
            else:
                left = current[j]
                up = previous[j + 1]
                append(left if left > up else up)
        previous = current
    return previous[-1]


def fidelity(seed_text, generated_text):
    """Share (0..1) of the seed's words found in order in the generated text."""
    seed = seed_words(seed_text)
    return lcs_length(seed, words(generated_text)) / len(seed)


def missing_words(seed_text, generated_text):
    """The seed words left out of the longest common subsequence, for a readable failure."""
    a, b = seed_words(seed_text), words(generated_text)
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = (
                table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
            )
    i = j = 0
    missing = []
    while i < n and j < m:
        if a[i] == b[j]:
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            missing.append(a[i])
            i += 1
        else:
            j += 1
    return missing + a[i:]
