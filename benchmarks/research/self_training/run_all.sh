#!/bin/bash
# The runs of README.md, one after the other (each trains CRFs for minutes; run from the repo root).
set -e
S="nice -n 10 python benchmarks/research/self_training/selftrain.py"
C=${CACHE:-/tmp/selftrain}
$S pool --cache $C
# A: 5,000 most confident sentences (min marginal over all tokens), all folds, then dev
$S cv --max 5000 --cache $C --json $C/cv.jsonl
$S dev --max 5000 --cache $C --json $C/dev.jsonl
# B: 2,000 sentences with names, min name-token marginal >= 0.95, all folds
$S cv --need-entity --conf minent --threshold 0.95 --max 2000 --cache $C --json $C/cv.jsonl
# fold-0 screens
P="$S cv --folds 0 --cache $C --json $C/screen0.jsonl"
$P --need-entity --max 5000
$P --need-entity --max 5000 --no-pseudo-tl
$P --need-entity --max 5000 --pseudo-dropout
$P --need-entity --conf minent --threshold 0.95 --max 2000 --gold-dup 3
$P --akec --need-entity --conf minent --threshold 0.95 --max 2000
$P --max 5000 --rounds 2
python benchmarks/research/self_training/table.py $C/cv.jsonl
python benchmarks/research/self_training/table.py $C/screen0.jsonl
