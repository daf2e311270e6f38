#!/usr/bin/env bash
# Reproduces the study in README.md (this folder). Needs torch (installed with camel-tools) and
# ../shared/data beside the repo. Writes its pickles, models and logs into the current
# directory: run it from a scratch folder, e.g.  mkdir -p /tmp/ner_nn && cd /tmp/ner_nn && bash <repo>/benchmarks/research/ner_nn/run_all.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
NB="--drop-prefix=-2:,-1:,1:,2:,b-=,b+="
python "$HERE/prep.py"                       # feats_H.pkl, feats_F.pkl, analyses.pkl
python "$HERE/crf_base.py" H > crf_H.log      # the CRF reference on train blocks 0-2 -> block 3
python "$HERE/marg.py" H > marg_H.log         # jackknifed CRF marginals, H setup
python "$HERE/marg.py" F > marg_F.log         # the same for train -> dev (~10 min)
# BiLSTM-CRF, combined at decoding with the CRF marginals (weight 1): dev 0.7404 plain
python "$HERE/nn.py" --setup F --epochs 12 --ema 0.998 $NB --seed 1 --mix marg_F.npz --mix-a 1 \
    --save nn_F_pure.pt --dump dump_F_pure.npz > nn_F_pure.log 2>&1
python "$HERE/export.py" nn_F_pure.pt nn_F_pure.npz          # the only step that uses torch at inference
python "$HERE/np_infer.py" nn_F_pure.npz F --doc 20 > np_F_pure.log 2>&1   # numpy tags + timing
python "$HERE/ens_ctx.py" dump_F_pure.npz marg_F.npz 1        # plain and with the consistency step
# CNN-CRF variant: add --enc cnn. Cross-validation folds C0-C2 (block 3 is H):
python "$HERE/cvprep.py" > cvprep.log 2>&1
for f in 0 1 2; do
  python "$HERE/crf_cv.py" C$f > crf_C$f.log 2>&1
  python "$HERE/nn.py" --setup C$f --epochs 12 --ema 0.998 $NB --seed 1 --mix margtest_C$f.npz --mix-a 0,1,2 \
      > nn_C${f}_pure.log 2>&1
done
