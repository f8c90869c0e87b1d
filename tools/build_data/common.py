"""Shared helpers for the data build scripts in tools/build_data/.

Paths, YAML reading and writing in a clinician-friendly layout, British/American
spelling conversion, and inflection of terms (plurals, verb forms).

Needs PyYAML and wordfreq (both project dependencies). Python 3.11+.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DATA_DIR = REPO / "pipeline" / "data"
SHARED = REPO.parent / "shared"
GLOSSARIES = SHARED / "data" / "glossaries"

CDC_FILE = "cdc-plain-language-thesaurus.json"
NCI_CANCER_FILE = "nci-cancer-terms.json"
NCI_GENETICS_FILE = "nci-genetics-terms.json"

SOURCE_CDC = "CDC Plain Language Thesaurus"
SOURCE_NCI_CANCER = "NCI Dictionary of Cancer Terms"
SOURCE_NCI_GENETICS = "NCI Dictionary of Genetics Terms"
SOURCE_UK = "health-audit (UK usage)"
SOURCE_NHS_STYLE = "NHS content style guide (health-audit)"


# ---------------------------------------------------------------- input


def load_shared(name: str, shared: Path | None = None) -> list[dict[str, str]]:
    """Load one of the ../shared glossaries ([{term, plain_alternative}])."""
    base = (shared / "data" / "glossaries") if shared else GLOSSARIES
    path = base / name
    if not path.exists():
        raise SystemExit(
            f"missing input {path}: the build scripts read ../shared beside the checkout "
            "(pass --shared DIR to point elsewhere)"
        )
    with path.open(encoding="utf-8") as fh:
        rows = json.load(fh)
    return [
        {"term": clean_text(r["term"]), "plain_alternative": clean_text(r["plain_alternative"])} for r in rows
    ]


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def clean_text(s: str) -> str:
    """Normalise quotes and whitespace from the source JSON."""
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = s.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- output


def scalar(value: Any) -> str:
    """One YAML scalar, quoted only where YAML needs it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    out = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    out = out.strip()
    if out.endswith("\n..."):
        out = out[: -len("\n...")]
    elif out.endswith("..."):
        out = out[:-3].rstrip()
    return out


def flow_list(values: Iterable[Any]) -> str:
    return "[" + ", ".join(scalar(v) for v in values) + "]"


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def comment_block(text: str) -> str:
    """Turn a paragraph block into '# ' comment lines."""
    lines = []
    for line in text.strip("\n").splitlines():
        lines.append(("# " + line).rstrip())
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- spelling

# Word-level US -> UK replacements that are always right in health writing.
_US_UK_WORDS = {
    "color": "colour",
    "colors": "colours",
    "colored": "coloured",
    "coloring": "colouring",
    "discoloration": "discolouration",
    "discolored": "discoloured",
    "odor": "odour",
    "odors": "odours",
    "odorless": "odourless",
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "labor": "labour",
    "favor": "favour",
    "favorable": "favourable",
    "unfavorable": "unfavourable",
    "humor": "humour",
    "vapor": "vapour",
    "vapors": "vapours",
    "rigor": "rigour",
    "honor": "honour",
    "neighbor": "neighbour",
    "neighborhood": "neighbourhood",
    "tumor": "tumour",
    "tumors": "tumours",
    "fiber": "fibre",
    "fibers": "fibres",
    "center": "centre",
    "centers": "centres",
    "liter": "litre",
    "liters": "litres",
    "milliliter": "millilitre",
    "milliliters": "millilitres",
    "gray": "grey",
    "aluminum": "aluminium",
    "mold": "mould",
    "molds": "moulds",
    "moldy": "mouldy",
    "program": "programme",
    "programs": "programmes",
    "counseling": "counselling",
    "counselor": "counsellor",
    "counselors": "counsellors",
    "traveling": "travelling",
    "traveler": "traveller",
    "travelers": "travellers",
    "canceled": "cancelled",
    "labeled": "labelled",
    "labeling": "labelling",
    "modeling": "modelling",
    "signaling": "signalling",
    "fueled": "fuelled",
    "fetal": "fetal",
    "ameba": "amoeba",
    "amebic": "amoebic",
    "cesium": "caesium",
    "etiology": "aetiology",
    "esthetic": "aesthetic",
    "enrollment": "enrolment",
    "pediatric": "paediatric",
    "pediatrics": "paediatrics",
    "pediatrician": "paediatrician",
    "pediatricians": "paediatricians",
    "maneuver": "manoeuvre",
    "maneuvers": "manoeuvres",
    "skeptical": "sceptical",
    "catalog": "catalogue",
    "analog": "analogue",
    "check-up": "check-up",
    "diarrheal": "diarrhoeal",
    "gastroesophageal": "gastro-oesophageal",
    "phytoestrogen": "phytoestrogen",
    "phytoestrogens": "phytoestrogens",
    "sulphur": "sulfur",
    "goiter": "goitre",
    "centimeter": "centimetre",
    "centimeters": "centimetres",
    "millimeter": "millimetre",
    "millimeters": "millimetres",
    "nanometer": "nanometre",
    "venipuncture": "venepuncture",
    "gynecologic": "gynaecological",
    "pathologic": "pathological",
    "hematologic": "haematological",
    "oncologic": "oncological",
    "neurologic": "neurological",
    "candy": "sweet",
    "flavor": "flavour",
    "flavors": "flavours",
}

_IZE_EXCEPTIONS = {
    "size",
    "sizes",
    "sized",
    "sizing",
    "seize",
    "seized",
    "seizes",
    "seizing",
    "seizure",
    "seizures",
    "prize",
    "prizes",
    "capsize",
    "capsized",
    "maize",
    "baize",
    "oversize",
    "oversized",
    "downsize",
    "downsized",
    "resize",
    "resized",
    "citizen",
    "citizens",
    "wizard",
    "bizarre",
    "ritz",
    "horizon",
    "horizons",
    "horizontal",
    "horizontally",
    "denizen",
    "lizard",
    "lizards",
    "gizzard",
    "blizzard",
    "frizz",
    "fizz",
    "quiz",
    "quizzes",
    "schizophrenia",
    "schizophrenic",
    "schizoid",
    "schizotypal",
    "schizoaffective",
    "rhizome",
    "ozone",
}

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # haem-: haemoglobin, haematoma, haemorrhage (not hemi-, not chemo-)
    (re.compile(r"\bhem(?=[aeo]|orrh|angi|ophil|oly|osta|at)", re.I), "haem"),
    (
        re.compile(
            r"(?<=pro|ypo|per|oly|met|oxy|tra|ara|eri|yto|oxy)hem(?=at|oglob|orrh|ostas|olyt|olys)", re.I
        ),
        "haem",
    ),
    # -aemia / -aemic after known stems, and any -emia
    (
        re.compile(
            r"(an|isch|glyc|leuk|sept|ur|tox|vir|bacter|kal|natr|calc|lipid|cyth|ox|pyr|fung|parasit)emi",
            re.I,
        ),
        r"\1aemi",
    ),
    (re.compile(r"(?<![ae])emia\b", re.I), "aemia"),
    (re.compile(r"edema", re.I), "oedema"),
    (re.compile(r"\besophag", re.I), "oesophag"),
    (re.compile(r"(\b|anti|phyto-)estr(?=ogen|adiol|one\b|iol)", re.I), r"\1oestr"),
    (re.compile(r"\bpedia", re.I), "paedia"),
    (re.compile(r"orthoped", re.I), "orthopaed"),
    (re.compile(r"gynec", re.I), "gynaec"),
    (re.compile(r"\banesth", re.I), "anaesth"),
    (re.compile(r"paresth", re.I), "paraesth"),
    (re.compile(r"\bcesarean", re.I), "caesarean"),
    (re.compile(r"\bfec(?=es\b|al\b|aloma)", re.I), "faec"),
    (re.compile(r"\bcec(?=um\b|al\b)", re.I), "caec"),
    (re.compile(r"\bceliac", re.I), "coeliac"),
    (re.compile(r"rrhea", re.I), "rrhoea"),
    (re.compile(r"(?<=[a-z])pnea\b", re.I), "pnoea"),
    (re.compile(r"\bapnea", re.I), "apnoea"),
    (re.compile(r"([a-z]{3,})yz(e|es|ed|ing|er|ers)\b", re.I), r"\1ys\2"),
]

_IZE = re.compile(r"\b([A-Za-z]{3,})iz(e|es|ed|ing|ation|ations|er|ers|able)\b")


def _match_case(src: str, repl: str) -> str:
    if src.isupper() and len(src) > 1:
        return repl.upper()
    if src[:1].isupper():
        return repl[:1].upper() + repl[1:]
    return repl


def to_british(text: str) -> str:
    """Convert American spellings in a term or sentence to British (NHS) spelling."""

    def word_sub(m: re.Match[str]) -> str:
        w = m.group(0)
        lw = w.lower()
        if lw in _US_UK_WORDS:
            return _match_case(w, _US_UK_WORDS[lw])
        return w

    text = re.sub(r"[A-Za-z]+", word_sub, text)
    for pat, repl in _PATTERNS:
        text = pat.sub(repl, text)

    def ize(m: re.Match[str]) -> str:
        if m.group(0).lower() in _IZE_EXCEPTIONS:
            return m.group(0)
        return f"{m.group(1)}is{m.group(2)}"

    return _IZE.sub(ize, text)


_UK_US_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"gastro-oesophag", re.I), "gastroesophag"),
    (re.compile(r"haem", re.I), "hem"),
    (re.compile(r"aemi", re.I), "emi"),
    (re.compile(r"oedema", re.I), "edema"),
    (re.compile(r"\boesophag", re.I), "esophag"),
    (re.compile(r"(\b|anti)oestr", re.I), r"\1estr"),
    (re.compile(r"paed", re.I), "ped"),
    (re.compile(r"gynaec", re.I), "gynec"),
    (re.compile(r"anaesth", re.I), "anesth"),
    (re.compile(r"paraesth", re.I), "paresth"),
    (re.compile(r"\bcaesarean", re.I), "cesarean"),
    (re.compile(r"\bfaec", re.I), "fec"),
    (re.compile(r"\bcaec", re.I), "cec"),
    (re.compile(r"\bcoeliac", re.I), "celiac"),
    (re.compile(r"rrhoea", re.I), "rrhea"),
    (re.compile(r"pnoea\b", re.I), "pnea"),
    (re.compile(r"\bapnoea", re.I), "apnea"),
    (re.compile(r"tumour", re.I), "tumor"),
    (re.compile(r"colour", re.I), "color"),
    (re.compile(r"behaviour", re.I), "behavior"),
    (re.compile(r"odour", re.I), "odor"),
    (re.compile(r"\blabour", re.I), "labor"),
    (re.compile(r"fibre", re.I), "fiber"),
    (re.compile(r"centre", re.I), "center"),
    (re.compile(r"litre", re.I), "liter"),
]


def to_american(text: str) -> str:
    """Best-effort British -> American spelling (used only to list variants)."""
    out = text
    for pat, repl in _UK_US_PATTERNS:
        out = pat.sub(lambda m, r=repl: _match_case(m.group(0), m.expand(r)), out)

    def ise(m: re.Match[str]) -> str:
        word = m.group(0)
        cand = f"{m.group(1)}iz{m.group(2)}"
        return cand if zipf(cand.lower()) >= 1.5 and zipf(cand.lower()) >= zipf(word.lower()) - 1.5 else word

    out = re.sub(r"\b([A-Za-z]{3,})is(e|es|ed|ing|ation|ations|er|ers)\b", ise, out)

    def yse(m: re.Match[str]) -> str:
        cand = f"{m.group(1)}yz{m.group(2)}"
        return cand if zipf(cand.lower()) >= 1.5 else m.group(0)

    out = re.sub(r"\b([A-Za-z]{3,})ys(e|es|ed|ing)\b", yse, out)
    return out


# ---------------------------------------------------------------- inflection


@cache
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


_ATTESTED = 1.2  # a generated inflection is kept only if wordfreq has seen it this often

_MASS_NOUNS = {
    "shock",
    "pain",
    "blood",
    "care",
    "damage",
    "loss",
    "health",
    "breath",
    "fat",
    "failure",
    "injury",
    "poisoning",
    "bleeding",
    "swelling",
    "pressure",
    "support",
    "immunity",
    "therapy",
    "system",
    "disease",
    "syndrome",
    "insufficiency",
    "resistance",
    "hygiene",
    "marrow",
    "metabolism",
    "morbidity",
    "mortality",
    "flu",
    "phenomenon",
    "control",
    "incidence",
    "cartilage",
    "tract",
    "immune",
    "pica",
    "paralysis",
    "fibrosis",
    "hypertension",
    "nutrition",
    "consent",
    "function",
    "bile",
    "libido",
    "ingestion",
    "inhalation",
    "anorexia",
    "susceptibility",
    "predisposition",
    "ablation",
    "deprivation",
    "suppression",
    "inheritance",
    "surgery",
    "remission",
    "dysfunction",
    "menopause",
}
# In a phrase of several words only these head nouns are pluralised ("blood tests", not "septic shocks").
_COUNTABLE_HEADS = {
    "test",
    "scan",
    "tube",
    "cell",
    "gland",
    "node",
    "duct",
    "artery",
    "vein",
    "tumour",
    "infection",
    "vaccine",
    "disorder",
    "device",
    "surgeon",
    "doctor",
    "injection",
    "catheter",
    "polyp",
    "mole",
    "stone",
    "wart",
    "ulcer",
    "fracture",
    "pump",
    "reaction",
    "line",
    "drain",
    "sample",
    "lump",
    "nerve",
    "bone",
    "muscle",
    "organ",
    "medicine",
    "tablet",
    "inhaler",
    "dissection",
    "nephrectomy",
    "mastectomy",
    "hysterectomy",
    "metastasis",
    "carcinoma",
    "sarcoma",
    "lymphoma",
    "cyst",
    "event",
    "death",
    "exercise",
    "period",
    "mass",
    "oncologist",
    "specialist",
    "nurse",
    "therapist",
    "agent",
    "factor",
    "antibody",
}
_FUNCTION_WORDS = {
    "of",
    "to",
    "in",
    "the",
    "a",
    "an",
    "with",
    "for",
    "on",
    "by",
    "at",
    "from",
    "and",
    "or",
    "as",
}


def _plural_candidates(w: str) -> list[str]:
    lw = w.lower()
    if lw.endswith("is") and len(lw) > 4:  # metastasis -> metastases
        return [w[:-2] + "es"]
    if lw.endswith("us") and len(lw) > 4:
        return [w + "es"]
    if lw.endswith("oma"):
        return [w + "s", w + "ta"]
    if re.search(r"[^aeiou]y$", lw):
        return [w[:-1] + "ies"]
    if re.search(r"(s|x|z|ch|sh)$", lw):
        return [w + "es"]
    return [w + "s"]


def _verb_candidates(w: str) -> list[str]:
    lw = w.lower()
    out = []
    if lw.endswith("e"):
        out += [w + "s", w + "d", w[:-1] + "ing"]
    elif re.search(r"[^aeiou]y$", lw):
        out += [w[:-1] + "ies", w[:-1] + "ied", w + "ing"]
    else:
        out += [w + ("es" if re.search(r"(s|x|z|ch|sh)$", lw) else "s"), w + "ed", w + "ing"]
        if re.search(r"[^aeiou][aeiou][bdgmnprt]$", lw) and len(lw) <= 5:
            out += [w + w[-1] + "ed", w + w[-1] + "ing"]
    return out


def inflections(term: str, kind: str = "term") -> list[str]:
    """Plural / verb forms of a term that wordfreq has seen (so they are real words).

    Multi-word phrases inflect their last word only when the phrase is a plain noun phrase.
    Abbreviations get no generated forms.
    """
    if kind == "abbreviation" or not term or any(c.isdigit() for c in term):
        return []
    words = term.split()
    last = words[-1]
    if not re.fullmatch(r"[A-Za-z][a-z'-]+", last) or last.lower() in _MASS_NOUNS:
        return []
    if len(words) > 1 and (
        any(w.lower() in _FUNCTION_WORDS for w in words) or last.lower() not in _COUNTABLE_HEADS
    ):
        return []
    lw = last.lower()
    if re.search(r"(itis|ia|ic|al|ous|ive|ary|ed|ing|ble|ful|less|ly|ar|ent|ant)$", lw):
        cands = []
    else:
        cands = _plural_candidates(last)
    if len(words) == 1:
        verb_forms = _verb_candidates(last)
        # Only words that are really used as verbs get verb forms: the past tense must be attested.
        past = [v for v in verb_forms if v.lower().endswith("d")]
        if past and max(zipf(v.lower()) for v in past) >= 1.5:
            cands += verb_forms
    out = []
    prefix = " ".join(words[:-1])
    for c in cands:
        if c.lower() == lw:
            continue
        if zipf(c.lower()) >= _ATTESTED:
            out.append(f"{prefix} {c}" if prefix else c)
    return dedupe(out)


def spelling_variants(term: str) -> list[str]:
    """The American spelling of a British term (if different), and its inflections."""
    us = to_american(term)
    return [us] if us != term else []


def dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for it in items:
        k = it.lower()
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def norm_key(term: str) -> str:
    """Key used to detect duplicates: lower case, British spelling, no punctuation differences."""
    t = to_british(term).lower()
    t = t.replace("\u2019", "'")
    t = re.sub(r"[\s\-]+", " ", t)
    return t.strip()
