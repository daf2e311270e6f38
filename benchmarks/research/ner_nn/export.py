"""torch checkpoint -> numpy npz (the only step that needs torch).  python export.py CKPT.pt OUT.npz"""
import sys, json, torch, numpy as np
ck = torch.load(sys.argv[1], weights_only=False); s = {k: v.numpy() for k, v in ck["state"].items()}
a = ck["args"]
out = {"emb": s["emb.weight"].astype(np.float16), "bias": s["bias"], "out_w": s["out.weight"], "out_b": s["out.bias"],
       "trans": s["trans"] + s["tmask"], "start": s["start"] + s["smask"], "end": s["end"] + s["emask"],
       "feats": np.array("\n".join(sorted(ck["fid"], key=ck["fid"].get))),
       "chars": np.array("".join(sorted(ck["cid"], key=ck["cid"].get))), "labels": np.array("\n".join(ck["LAB"])),
       "args": np.array(json.dumps(a))}
if a["char"]:
    out["cemb"] = s["cemb.weight"]; out["cconv_w"] = s["cconv.weight"]; out["cconv_b"] = s["cconv.bias"]
for k, v in s.items():
    if k.startswith("rnn.") or k.startswith("c1.") or k.startswith("c2.") or k.startswith("ff."):
        out[k] = v
if "wv" in s: out["wv"] = s["wv"].astype(np.float16)
np.savez_compressed(sys.argv[2], **out)
