"""Print the results of selftrain.py runs (the JSON lines of --json) as a Markdown table."""
import json
import sys

print("| variant | mode | teacher plain | teacher ctx (folds) | student plain | student ctx (folds) | added sents (tokens) | attributes t/s | train s t/s |")
print("|---|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    res = r["results"]
    rk = [k for k in r if k.startswith("round")]
    t = r["teacher"]
    row = [r["variant"], r["mode"], f"{t['plain_mean']:.4f}",
           f"{t['ctx_mean']:.4f} ({' '.join(f'{x:.4f}' for x in t['ctx'])})"]
    if rk:
        s = r[rk[0]]
        st = [res[k][rk[0]] for k in res]
        row += [f"{s['plain_mean']:.4f}", f"{s['ctx_mean']:.4f} ({' '.join(f'{x:.4f}' for x in s['ctx'])})",
                " ".join(f"{x['added']}({x['added_tokens']})" for x in st),
                " ".join(f"{res[k]['teacher_stats']['attributes']}/{x['stats']['attributes']}" for k, x in zip(res, st)),
                " ".join(f"{res[k]['teacher_secs']:.0f}/{x['secs']:.0f}" for k, x in zip(res, st))]
    print("| " + " | ".join(row) + " |")
