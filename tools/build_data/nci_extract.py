"""Turn NCI dictionary definitions into short plain explanations.

The NCI Dictionary of Cancer Terms and Dictionary of Genetics Terms (US government works,
public domain) give long definitions. For a glossary that puts a few words in brackets after
a term we keep only the first clause of the first sentence, make a few safe plain-English
swaps, and reject anything that is still long, technical, or not really a medical term.

Every rule here is deliberately conservative: an NCI entry that cannot be turned into a
short, plain, correct explanation is dropped, not patched. Reviewers reject the rest by name
in nci_curation.yaml (skip list) or give a better explanation there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from common import to_american, to_british, zipf

# Definitions that start like this describe drug codes, trials, staging, genes and so on.
SKIP_DEFINITION_START = (
    "a substance being studied",
    "a substance that is being studied",
    "an abbreviation for",
    "a chemotherapy combination",
    "a combination chemotherapy",
    "stage ",
    "abnormal cells are found",
    "the tumor is",
    "the cancer is",
    "cancer is found",
    "cancer has spread",
    "a gene that",
    "one of a group",
    "a protein",
    "a type of monoclonal",
    "a monoclonal antibody",
    "a radioactive",
    "a drug being studied",
    "a drug that is being studied",
    "a combination of",
    "a vaccine being",
    "a vaccine made",
    "a regimen",
    "a trial",
    "a study",
    "a research study",
    "an organization",
    "a clinical trial",
    "refers to",
    "in genetics,",
    "a term used",
    "a term in",
    "a term that",
    "a laboratory-made",
    "a synthetic",
    "a chemical compound",
    "a form of the drug",
    "an anticancer drug",
    "an investigational",
    "a cancer vaccine",
    "a kind of",
    "the national cancer institute",
    "a group of drugs being",
    "a plant",
    "an herb",
    "a herb",
    "a tree",
    "a type of mushroom",
    "a european plant",
    "a shrub",
    "a flowering plant",
    "a type of plant",
    "a fungus that",
    "a type of tree",
    "a mineral",
    "a metallic element",
    "a chemical element",
    "an element",
    "a statistics",
    "a type of photography",
    "a person who",
    "a group of people",
    "a nutrient that the body needs",
    "a substance found in certain plants",
    "a substance found in plants",
    "a chemical that",
    "a chemical used",
    "a chemical found",
    "a gas",
    "an acid",
    "a poisonous chemical",
    "a group of minerals",
    "a type of evergreen",
    "a compound",
    "a substance that is made from",
    "a standard way",
    "a method",
    "a way of",
    "a technique",
    "a laboratory method",
    "a laboratory test that",
    "a system",
    "a program",
    "a tool",
    "a scale",
    "a questionnaire",
)

# Research, statistics and administration: not patient-facing medical terms.
SKIP_DEFINITION_WORDS = re.compile(
    r"\b(study|studies|studied|research|researchers?|statistics?|statistical|clinical trials?|participants?|"
    r"mice|laboratory animals?|government|insurance|costs?|grant|sponsored|investigational)\b",
    re.I,
)

# Terms that are codes, salts, genes, proteins, scales or other things a patient article never explains.
SKIP_TERM_WORDS = re.compile(
    r"\b(gene|genes|protein|proteins|receptor|inhibitor|antibody|vaccine|regimen|index|scale|questionnaire|trial|"
    r"study|score|criteria|kinase|peptide|ligand|antigen|oligonucleotide|conjugate|analog|analogue|extract|"
    r"hydrochloride|mesylate|sulfate|sulphate|acetate|citrate|sodium|maleate|tosylate|phosphate|dihydrochloride|"
    r"tartrate|malate|besylate|succinate|fumarate|bromide|hydrobromide|disodium|calcium|magnesium|potassium|"
    r"dimeglumine|liposome|liposomal|pegylated|hyclate|monohydrate|dihydrate|alfa|beta|gamma|"
    r"mouse|murine|rat|canine|bovine)\b",
    re.I,
)

# Phrases the NCI uses that have a plainer, equally correct wording.
PHRASE_SWAPS: list[tuple[str, str]] = [
    (r"\bbenign \((?:not cancer|noncancerous)\)", "non-cancerous"),
    (r"\bmalignant \((?:cancer|cancerous)\)", "cancerous"),
    (r"\baggressive \(fast-growing\)", "fast-growing"),
    (r"\bindolent \(slow-growing\)", "slow-growing"),
    (r"\bnoncancerous\b", "non-cancerous"),
    (r"^Having to do with\b", "to do with"),
    (r"^Pertaining to\b", "to do with"),
    (r"^Relating to\b", "to do with"),
    (r"\binflammation of\b", "swelling and soreness of"),
    (r"\bInflammation of\b", "swelling and soreness of"),
    (r"\boccult blood in the stool\b", "hidden blood in poo"),
    (r"\bin the stool\b", "in poo"),
    (r"\bbowel movements?\b", "poo"),
    (r"\bfeces\b", "poo"),
    (r"\babdomen\b", "tummy"),
    (r"\babdominal wall\b", "tummy wall"),
    (r"\buterus\b", "womb"),
    (r"\burine\b", "pee"),
    (r"\bphysicians?\b", "doctor"),
    (r"\bindividuals\b", "people"),
    (r"\ban individual\b", "a person"),
    (r"\bx-rays?\b", "X-ray"),
    (r"\bmalignant\b", "cancerous"),
    (r"\bnausea and vomiting\b", "feeling and being sick"),
    (r"\bnausea\b", "feeling sick"),
    (r"\bunable to\b", "not able to"),
    (r"\bdiarrhea\b", "diarrhoea"),
    (r"\bhas special training in diagnosing and treating\b", "specialises in"),
    (r"\bhas special training to diagnose and treat\b", "specialises in"),
    (r"(?<![-\w])drug(?![-\w])", "medicine"),
    (r"(?<![-\w])drugs(?![-\w])", "medicines"),
    (r"\bprimary (treatment|therapy)\b", "main treatment"),
]

FUNCTION_END = {
    "from",
    "of",
    "to",
    "the",
    "a",
    "an",
    "and",
    "or",
    "with",
    "in",
    "on",
    "that",
    "which",
    "by",
    "for",
    "as",
    "at",
    "into",
    "is",
    "are",
    "be",
    "its",
    "their",
    "than",
    "such",
    "other",
    "who",
    "where",
    "when",
    "certain",
}

# Words that may appear in an explanation even though they are rarer than the plainness bar:
# each is explained elsewhere in the glossary or is the plainest word for the thing.
ALLOWED_EXPLANATION_WORDS = {
    "tummy",
    "poo",
    "pee",
    "womb",
    "bladder",
    "cervix",
    "ovaries",
    "ovary",
    "prostate",
    "pancreas",
    "rectum",
    "testicles",
    "testicle",
    "armpit",
    "armpits",
    "breastbone",
    "vagina",
    "anus",
    "bowel",
    "bowels",
    "spleen",
    "thyroid",
    "lymph",
    "tonsils",
    "appendix",
    "oesophagus",
    "chemotherapy",
    "radiotherapy",
    "x-ray",
    "non-cancerous",
    "cancerous",
    "fast-growing",
    "slow-growing",
    "blood-forming",
    "diarrhoea",
    "bile",
    "gallbladder",
    "kidneys",
    "nipple",
    "sperm",
    "semen",
    "eyelid",
    "scalp",
    "jaw",
    "skull",
    "spine",
    "pelvis",
    "hormones",
    "hormone",
    "immune",
    "tumour",
    "tumours",
    "cyst",
    "cysts",
    "fungi",
    "viruses",
    "bacteria",
    "mucus",
}

PLAINNESS_ZIPF = 3.0


@dataclass
class Extracted:
    term: str
    kind: str
    explanation: str
    expansion: str | None = None


def first_sentence(text: str) -> str:
    t = re.sub(r"\b(i\.e|e\.g|etc|vs|Dr|St|spp|sp)\.", lambda m: m.group(0).replace(".", "\u00a7"), text)
    t = re.sub(r"\b([A-Z])\. ", "\\1\u00a7 ", t)
    s = re.split(r"(?<=[.;])\s+", t, maxsplit=1)[0]
    return s.replace("\u00a7", ".").rstrip(".;").strip()


def _fix_articles(s: str) -> str:
    s = re.sub(r"\b([Aa])n ([b-df-hj-np-tv-z][a-z])", r"\1 \2", s)
    s = re.sub(r"\b([Aa]) ([aei][a-z])", r"\1n \2", s)
    return s


MAX_WORDS = 16


def shorten(definition: str) -> str:
    """First clause of the first sentence, with plain swaps and no asides."""
    return _shorten(definition)[0]


def _shorten(definition: str) -> tuple[str, bool]:
    """(explanation, whether trailing detail was cut off)."""
    cut_made = False
    s = first_sentence(definition)
    for pat, repl in PHRASE_SWAPS[:5]:
        s = re.sub(pat, repl, s, flags=re.I)
    s = re.sub(r"\s*\([^()]*\)", "", s)
    s = re.sub(r"^In [a-z ]+, ", "", s)
    for cut in (
        ", such as",
        ", including",
        ", which",
        ", especially",
        ", usually",
        ", often",
        " because ",
        ", but",
        ", that",
        ", or ",
        ", and ",
    ):
        i = s.find(cut)
        if i > 0 and len(s[:i].split()) >= 3:
            s = s[:i]
            cut_made = True
    for pat, repl in PHRASE_SWAPS[5:]:
        s = re.sub(pat, repl, s)
    s = to_british(s.strip())
    s = _fix_articles(s)
    if s and not (len(s) > 1 and s[1].isupper()):
        s = s[0].lower() + s[1:]
    return s, cut_made


def _plain_enough(word: str) -> bool:
    """True if a word (or its stem, or its American spelling) is common enough."""
    cands = {word, to_american(word)}
    for suffix, repl in (
        ("ness", ""),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("ed", "e"),
        ("es", ""),
        ("s", ""),
        ("ies", "y"),
        ("ied", "y"),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            cands.add(word[: -len(suffix)] + repl)
    return any(zipf(c) >= PLAINNESS_ZIPF for c in cands)


def rare_words(explanation: str, known: frozenset[str] = frozenset()) -> list[str]:
    """Words in an explanation that a young reader is unlikely to know.

    `known` holds words that the hand-written glossary explains (for example "fallopian"),
    which may appear in an explanation.
    """
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", explanation)
    out = []
    for w in words:
        lw = w.lower().strip("'-")
        if w.isupper() or lw in ALLOWED_EXPLANATION_WORDS or lw in known:
            continue
        if "-" in lw and all(_plain_enough(p) for p in lw.split("-") if p):
            continue
        if not _plain_enough(lw):
            out.append(w)
    return out


def abbreviation_expansion(term: str, definition: str) -> str | None:
    """The 'Also called ...' name whose initials spell the abbreviation."""
    m = re.search(r"Also called (.+?)\.?$", definition)
    if not m:
        return None
    letters = re.sub(r"[^A-Z0-9]", "", term.upper())
    for cand in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)):
        cand = cand.strip().rstrip(".")
        words = re.findall(r"[A-Za-z0-9]+", cand)
        if len(words) > 1 and "".join(w[0] for w in words).upper() == letters:
            return to_british(cand)
    return None


def is_abbreviation(term: str) -> bool:
    return (
        bool(re.fullmatch(r"[A-Z][A-Za-z&/-]*[A-Z]", term))
        and sum(c.isupper() for c in term) >= 2
        and len(term) <= 7
    )


def extract(term: str, definition: str, known: frozenset[str] = frozenset()) -> tuple[Extracted | None, str]:
    """Return (entry, "") or (None, reason it was dropped)."""
    if re.search(r"\d", term) or len(term) > 40 or len(term.split()) > 4:
        return None, "term: digits or too long"
    if term.lower().startswith(("stage ", "anti-")) or SKIP_TERM_WORDS.search(term):
        return None, "term: code, salt, gene or scale"
    abbr = is_abbreviation(term)
    expansion = None
    if abbr:
        expansion = abbreviation_expansion(term, definition)
        if not expansion:
            return None, "abbreviation: no expansion found"
        if zipf(term.lower()) >= 3.0:
            return None, "abbreviation: also an ordinary word"
    else:
        if term[0].isupper() and not re.match(r"^[A-Z][a-z]+'?s? (disease|syndrome)$", term):
            return None, "term: brand name or proper noun"
        words = [w for w in re.split(r"[\s-]+", term.lower()) if w not in ("of", "and", "the", "to", "in")]
        # A term made only of everyday words is not jargon ("family history", "heart rate").
        if all(zipf(w) >= 3.3 for w in words):
            return None, "term: everyday words"
    if definition.lower().startswith(SKIP_DEFINITION_START):
        return None, "definition: drug code, trial, staging or non-medical"
    if SKIP_DEFINITION_WORDS.search(first_sentence(definition)):
        return None, "definition: research or administration"
    expl, cut_made = _shorten(definition)
    words = expl.split()
    if len(words) > MAX_WORDS or len(words) < 2:
        return None, "explanation: too long after shortening"
    # A comma is fine inside a clause ("a thin, tube-like instrument"), but a short tail after
    # the last comma means a list was cut in half ("surgery to remove the colon, rectum").
    if words[-1].lower() in FUNCTION_END or ("," in expl and len(expl.rsplit(",", 1)[1].split()) <= 2):
        return None, "explanation: no clean first clause"
    if cut_made and expl.count(",") > 1:
        return None, "explanation: no clean first clause"
    if rare_words(expl, known):
        return None, "explanation: still uses technical words"
    if term.lower() in expl.lower() or (expansion and expansion.lower() == expl.lower()):
        return None, "explanation: circular"
    return Extracted(to_british(term), "abbreviation" if abbr else "term", expl, expansion), ""
