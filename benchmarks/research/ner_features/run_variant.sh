#!/bin/bash
# usage: run_variant.sh NAME [train_ner.py options]
# With a variant's patch applied to the working tree: trains on ANERcorp train and scores dev
# (plain and with the consistency step), and runs 4-fold CV on train, the two in parallel.
# Outputs in $OUT (default /tmp/ner_variants).
OUT=${OUT:-/tmp/ner_variants}; mkdir -p "$OUT"
cd "$(dirname "$0")/../../.." || exit 2
n=$1; shift
{ python benchmarks/train_ner.py "$@" --out "$OUT/$n.crfsuite" > "$OUT/$n.log" 2>&1 &&
  python benchmarks/ner_f1.py ../shared/data/ner/anercorp/dev.tsv --model "$OUT/$n.crfsuite" >> "$OUT/$n.log" 2>&1; } &
python benchmarks/train_ner.py "$@" --cv 4 > "$OUT/$n.cv" 2>&1 &
wait
echo "$n dev plain: $(grep ner_f1 "$OUT/$n.log" | head -1)"
echo "$n dev ctx:   $(grep ner_f1 "$OUT/$n.log" | tail -1)"
echo "$n cv: $(tail -1 "$OUT/$n.cv")"
