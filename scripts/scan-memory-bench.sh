#!/usr/bin/env bash
# Scans a 10 GB mixed corpus (mailboxes, and zip archives of Word documents, PDFs, CSV and
# text) with a release build of `steward scan` and records its peak memory (maximum
# resident set size) and throughput in target/scan-10g/result.json.
#
# Usage: scripts/scan-memory-bench.sh [GIGABYTES]   (default 10)
#
# The corpus is made from scan_corpus's fictional documents: one unit of a 100 MB mbox
# (every generated message, repeated) and a 100 MB zip (every generated DOCX, PDF, CSV and
# text file, repeated under new names), hard-linked into as many directories as it takes
# to reach GIGABYTES. Hard links cost no disk; the scanner reads each path in full.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
GB=${1:-10}
OUT=$ROOT/target/scan-10g
UNIT=$OUT/unit
TREE=$OUT/tree
STEWARD=${STEWARD:-$ROOT/target/release/steward}

log() { printf '\n==> %s\n' "$*" >&2; }

log "building scan_corpus (debug) and steward (release)"
cargo build -q -p steward-scan --bin scan_corpus
cargo build -q --release -p steward
mkdir -p "$OUT"

if [[ ! -f $UNIT/mail.mbox || ! -f $UNIT/documents.zip ]]; then
  log "generating the unit in $UNIT"
  rm -rf "$OUT/corpus" "$UNIT"
  mkdir -p "$UNIT"
  "$ROOT/target/debug/scan_corpus" --out "$OUT/corpus" --docs 2000 --seed 7 >/dev/null
  python3 - "$OUT/corpus" "$UNIT" <<'PY'
import os, sys, zipfile
corpus, unit = sys.argv[1], sys.argv[2]
target = 100 * 1000 * 1000
files = []
for d, _, names in os.walk(corpus):
    for n in sorted(names):
        files.append(os.path.join(d, n))
files.sort()
mails = [f for f in files if f.endswith(('.eml', '.mbox'))]
docs = [f for f in files if f.endswith(('.docx', '.pdf', '.csv', '.txt', '.xlsx'))]
# The mailbox: every message, each behind an mbox "From " line, repeated to 100 MB.
messages = []
for f in mails:
    data = open(f, 'rb').read().replace(b'\r\n', b'\n')
    if f.endswith('.mbox'):
        messages.append(data if data.endswith(b'\n') else data + b'\n')
    else:
        messages.append(b'From corpus@example.org Mon Mar  2 09:00:00 2026\n' + data.replace(b'\nFrom ', b'\n>From ') + b'\n')
with open(os.path.join(unit, 'mail.mbox'), 'wb') as out:
    written = 0
    while written < target:
        for m in messages:
            out.write(m)
            written += len(m)
# The archive: every document, stored (not compressed), repeated under new names.
with zipfile.ZipFile(os.path.join(unit, 'documents.zip'), 'w', zipfile.ZIP_STORED) as z:
    written, round_ = 0, 0
    while written < target:
        for f in docs:
            data = open(f, 'rb').read()
            z.writestr(f'round{round_:03}/{os.path.relpath(f, corpus)}', data)
            written += len(data)
        round_ += 1
PY
fi

UNIT_BYTES=$(($(stat -c %s "$UNIT/mail.mbox") + $(stat -c %s "$UNIT/documents.zip")))
COPIES=$(( (GB * 1000 * 1000 * 1000 + UNIT_BYTES - 1) / UNIT_BYTES ))
log "linking $COPIES copies of the unit ($UNIT_BYTES bytes) into $TREE"
rm -rf "$TREE"
for i in $(seq -w 1 "$COPIES"); do
  mkdir -p "$TREE/$i"
  ln "$UNIT/mail.mbox" "$TREE/$i/mail.mbox"
  ln "$UNIT/documents.zip" "$TREE/$i/documents.zip"
done
TOTAL=$((UNIT_BYTES * COPIES))

log "scanning $TOTAL bytes with $STEWARD scan --name 'Jane Smith'"
/usr/bin/time -v -o "$OUT/time.txt" "$STEWARD" scan "$TREE" --name "Jane Smith" >/dev/null 2>"$OUT/scan.stderr" || true
RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")
ELAPSED=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/time.txt")
python3 - "$OUT" "$TOTAL" "$RSS_KB" "$ELAPSED" "$COPIES" "$UNIT_BYTES" <<'PY'
import json, sys
out, total, rss_kb, elapsed, copies, unit = sys.argv[1:]
parts = [float(p) for p in elapsed.split(':')]
seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
summary = open(f'{out}/scan.stderr').read().strip().splitlines()[-3:]
result = {
    "bytes": int(total), "copies": int(copies), "unit_bytes": int(unit),
    "peak_rss_mib": round(int(rss_kb) / 1024, 1), "seconds": round(seconds, 1),
    "mb_per_s": round(int(total) / 1e6 / seconds, 1), "summary_tail": summary,
}
json.dump(result, open(f'{out}/result.json', 'w'), indent=2)
print(json.dumps(result, indent=2))
PY
