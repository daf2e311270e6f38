/* The morphology stage's hot loops in C: LeanAnalyzer's prefix/stem/suffix combination and
   AnalyzerBackend.choose for running text. lean.py and backend.py keep the Python loops (the
   fallbacks); the tests check that both give the same analyses and pick the same candidates.

   combine(word_dediac, word_normal, db, suffix_cache) -> list of analysis dicts
     LeanAnalyzer.analyze's segmentation loop and _combined_analyses (see combine below).

   choose_raw: AnalyzerBackend.choose for running text (raw input, every word Arabic).

   The lemma stage calls it once per sentence; per word it is a cache lookup, and for the words
   whose best reading is not sure (static margin within the context bound) a loop over their
   readings adding the context weights of the neighbours' POS signatures: in Python some 1.5 us
   per word. backend.py keeps the Python loop (the fallback, and the other modes); the tests
   check that both pick the same candidate objects.

   choose_raw(words, cache, miss, ctx, bound, name_clitics, known) -> list of candidates
     cache: word -> (candidates best first, POS signature, static margin); miss(word) makes
            (and caches) the entry of a word the cache lacks.
     ctx:   {candidate POS: ({previous signature: weight}, {next signature: weight})}
     A word whose margin is <= bound (and bound > 0) takes the reading with the highest
     score + (previous weight + next weight), the first on ties; the first word's previous
     signature is "BOS", the last word's next one "EOS". A best reading that is not from the
     lexicon goes through name_clitics(word, candidates, best, known).
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *s_pos, *s_score, *s_source, *s_lexicon, *s_bos, *s_eos;

/* weights.get(sig, 0.0) as a double, or -1 with an error set (*ok = 0). */
static double weight(PyObject *weights, PyObject *sig, int *ok) {
    PyObject *w = PyDict_GetItemWithError(weights, sig); /* borrowed */
    if (w == NULL) {
        if (PyErr_Occurred())
            *ok = 0;
        return 0.0;
    }
    double v = PyFloat_AsDouble(w);
    if (v == -1.0 && PyErr_Occurred())
        *ok = 0;
    return v;
}

static PyObject *choose_raw(PyObject *self, PyObject *args) {
    PyObject *words, *cache, *miss, *ctx, *name_clitics, *known;
    double bound;
    if (!PyArg_ParseTuple(args, "O!O!OO!dOO", &PyList_Type, &words, &PyDict_Type, &cache, &miss, &PyDict_Type, &ctx,
                          &bound, &name_clitics, &known))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(words);
    PyObject *entries = PyList_New(n), *out = PyList_New(0);
    if (entries == NULL || out == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = PyList_GET_ITEM(words, i);
        PyObject *e = PyDict_GetItemWithError(cache, w); /* borrowed */
        if (e != NULL) {
            Py_INCREF(e);
        } else if (PyErr_Occurred() || (e = PyObject_CallOneArg(miss, w)) == NULL) {
            goto fail;
        }
        if (!PyTuple_Check(e) || PyTuple_GET_SIZE(e) != 3 || !PyList_Check(PyTuple_GET_ITEM(e, 0)) ||
            PyList_GET_SIZE(PyTuple_GET_ITEM(e, 0)) == 0) {
            Py_DECREF(e);
            PyErr_SetString(PyExc_TypeError, "choose_raw: an entry is not (non-empty candidate list, signature, margin)");
            goto fail;
        }
        PyList_SET_ITEM(entries, i, e);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *e = PyList_GET_ITEM(entries, i), *cands = PyTuple_GET_ITEM(e, 0);
        double margin = PyFloat_AsDouble(PyTuple_GET_ITEM(e, 2));
        if (margin == -1.0 && PyErr_Occurred())
            goto fail;
        PyObject *best = PyList_GET_ITEM(cands, 0); /* borrowed until the end of this word */
        if (margin <= bound && bound > 0) {
            PyObject *prev_sig = i > 0 ? PyTuple_GET_ITEM(PyList_GET_ITEM(entries, i - 1), 1) : s_bos;
            PyObject *next_sig = i + 1 < n ? PyTuple_GET_ITEM(PyList_GET_ITEM(entries, i + 1), 1) : s_eos;
            double best_score = 0.0;
            int have = 0;
            for (Py_ssize_t k = 0; k < PyList_GET_SIZE(cands); k++) {
                PyObject *c = PyList_GET_ITEM(cands, k);
                PyObject *pos = PyObject_GetAttr(c, s_pos), *sc = PyObject_GetAttr(c, s_score);
                if (pos == NULL || sc == NULL) {
                    Py_XDECREF(pos);
                    Py_XDECREF(sc);
                    goto fail;
                }
                double score = PyFloat_AsDouble(sc);
                Py_DECREF(sc);
                if (score == -1.0 && PyErr_Occurred()) {
                    Py_DECREF(pos);
                    goto fail;
                }
                PyObject *t = PyDict_GetItemWithError(ctx, pos); /* borrowed */
                Py_DECREF(pos);
                double s;
                if (t != NULL) {
                    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 2 || !PyDict_Check(PyTuple_GET_ITEM(t, 0)) ||
                        !PyDict_Check(PyTuple_GET_ITEM(t, 1))) {
                        PyErr_SetString(PyExc_TypeError, "choose_raw: context weights are not two dicts per POS");
                        goto fail;
                    }
                    int ok = 1;
                    double before = weight(PyTuple_GET_ITEM(t, 0), prev_sig, &ok);
                    double after = weight(PyTuple_GET_ITEM(t, 1), next_sig, &ok);
                    if (!ok)
                        goto fail;
                    s = score + (before + after);
                } else if (PyErr_Occurred()) {
                    goto fail;
                } else {
                    s = score + 0.0;
                }
                if (!have || s > best_score) {
                    best = c;
                    best_score = s;
                    have = 1;
                }
            }
        }
        Py_INCREF(best);
        PyObject *src = PyObject_GetAttr(best, s_source);
        int other = src == NULL ? -1 : PyObject_RichCompareBool(src, s_lexicon, Py_NE);
        Py_XDECREF(src);
        if (other < 0) {
            Py_DECREF(best);
            goto fail;
        }
        if (other) {
            PyObject *picked = PyObject_CallFunctionObjArgs(name_clitics, PyList_GET_ITEM(words, i), cands, best,
                                                            known, NULL);
            Py_DECREF(best);
            if (picked == NULL)
                goto fail;
            best = picked;
        }
        int rc = PyList_Append(out, best);
        Py_DECREF(best);
        if (rc < 0)
            goto fail;
    }
    Py_DECREF(entries);
    return out;
fail:
    Py_XDECREF(entries);
    Py_XDECREF(out);
    return NULL;
}

static PyObject *s_dd, *s_lem, *s_diac, *s_lex, *s_gloss, *s_prc2, *s_prc1, *s_prc0, *s_enc0, *s_zero, *s_empty,
    *s_stem, *s_sdd, *s_stemgloss, *s_src, *s_lex_src, *s_spvar, *s_tatweel;

/* d[key], or NULL with KeyError set */
static PyObject *item(PyObject *d, PyObject *key) {
    PyObject *v = PyDict_GetItemWithError(d, key);
    if (v == NULL && !PyErr_Occurred())
        PyErr_SetObject(PyExc_KeyError, key);
    return v;
}

/* d.get(key, dflt) (borrowed), or NULL on error */
static PyObject *get(PyObject *d, PyObject *key, PyObject *dflt) {
    PyObject *v = PyDict_GetItemWithError(d, key);
    return v != NULL ? v : (PyErr_Occurred() ? NULL : dflt);
}

/* a or b (borrowed), NULL on error */
static PyObject *or_(PyObject *a, PyObject *b) {
    int t = PyObject_IsTrue(a);
    return t < 0 ? NULL : (t ? a : b);
}

/* A DB table entry must be a (category, features dict) pair. */
static int check_entry(PyObject *x) {
    if (PyTuple_Check(x) && PyTuple_GET_SIZE(x) == 2 && PyDict_Check(PyTuple_GET_ITEM(x, 1)))
        return 0;
    PyErr_SetString(PyExc_TypeError, "combine: a DB entry is not a (category, features) pair");
    return -1;
}

/* Whether a DB entry's category is in `compat` (1/0, -1 on error), its category and features
   set (borrowed). */
static int entry_fits(PyObject *x, PyObject *compat, PyObject **cat, PyObject **feats) {
    if (check_entry(x) < 0)
        return -1;
    *cat = PyTuple_GET_ITEM(x, 0);
    *feats = PyTuple_GET_ITEM(x, 1);
    return PySequence_Contains(compat, *cat);
}

/* LeanAnalyzer._suffixes_for: (suffix, pcat) -> (suffixes that go with pcat, {stem cat: those
   that also go with it}), made on first use as _compatible_suffixes does. Borrowed. */
static PyObject *suffixes_for(PyObject *cache, PyObject *suffix, PyObject *pcat, PyObject *suffix_analyses,
                              PyObject *psc) {
    PyObject *key = PyTuple_Pack(2, suffix, pcat);
    if (key == NULL)
        return NULL;
    PyObject *hit = PyDict_GetItemWithError(cache, key);
    if (hit != NULL || PyErr_Occurred()) {
        Py_DECREF(key);
        return hit;
    }
    PyObject *list = PyList_New(0), *by_stem = NULL, *tuple = NULL;
    if (list == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(suffix_analyses); i++) {
        PyObject *xcat, *xf;
        int in = entry_fits(PyList_GET_ITEM(suffix_analyses, i), psc, &xcat, &xf);
        if (in < 0)
            goto fail;
        if (!in)
            continue;
        PyObject *enc0 = get(xf, s_enc0, Py_None), *dd = get(xf, s_dd, s_empty), *t;
        if (enc0 == NULL || dd == NULL || (t = PyTuple_Pack(3, xcat, enc0, dd)) == NULL)
            goto fail;
        int rc = PyList_Append(list, t);
        Py_DECREF(t);
        if (rc < 0)
            goto fail;
    }
    if ((tuple = PyList_AsTuple(list)) == NULL || (by_stem = PyDict_New()) == NULL ||
        (hit = PyTuple_Pack(2, tuple, by_stem)) == NULL)
        goto fail;
    int rc = PyDict_SetItem(cache, key, hit);
    Py_DECREF(hit); /* (the cache holds it) */
    Py_DECREF(list);
    Py_DECREF(tuple);
    Py_DECREF(by_stem);
    Py_DECREF(key);
    return rc < 0 ? NULL : hit;
fail:
    Py_XDECREF(list);
    Py_XDECREF(tuple);
    Py_XDECREF(by_stem);
    Py_DECREF(key);
    return NULL;
}

/* One (prefix, stem, suffix) split: LeanAnalyzer._combined_analyses, appending to out. */
static int combine_split(PyObject *out, PyObject *word, PyObject *prefixes, PyObject *stems, PyObject *suffix_analyses,
                         PyObject *suffix, PyObject *psc_all, PyObject *pstem_all, PyObject *ssc_all, PyObject *cache) {
    for (Py_ssize_t a = 0; a < PyList_GET_SIZE(prefixes); a++) {
        PyObject *pe = PyList_GET_ITEM(prefixes, a);
        if (check_entry(pe) < 0)
            return -1;
        PyObject *pcat = PyTuple_GET_ITEM(pe, 0), *pf = PyTuple_GET_ITEM(pe, 1);
        PyObject *ps_compat = PyObject_GetItem(pstem_all, pcat); /* (a KeyError as in Python) */
        if (ps_compat == NULL)
            return -1;
        PyObject *psc = get(psc_all, pcat, NULL);
        if (psc == NULL) {
            Py_DECREF(ps_compat);
            if (PyErr_Occurred())
                return -1;
            continue;
        }
        PyObject *hit = suffixes_for(cache, suffix, pcat, suffix_analyses, psc);
        if (hit == NULL) {
            Py_DECREF(ps_compat);
            return -1;
        }
        PyObject *suffixes = PyTuple_GET_ITEM(hit, 0), *by_stem = PyTuple_GET_ITEM(hit, 1);
        if (PyTuple_GET_SIZE(suffixes) == 0) {
            Py_DECREF(ps_compat);
            continue;
        }
        PyObject *p_dd = get(pf, s_dd, s_empty), *p_prc2 = get(pf, s_prc2, Py_None), *p_prc1 = get(pf, s_prc1, Py_None),
                 *p_prc0 = get(pf, s_prc0, Py_None);
        if (p_dd == NULL || p_prc2 == NULL || p_prc1 == NULL || p_prc0 == NULL) {
            Py_DECREF(ps_compat);
            return -1;
        }
        for (Py_ssize_t b = 0; b < PyList_GET_SIZE(stems); b++) {
            PyObject *scat, *sf;
            int in = entry_fits(PyList_GET_ITEM(stems, b), ps_compat, &scat, &sf);
            if (in < 0)
                goto fail;
            if (!in)
                continue;
            PyObject *fitting = PyDict_GetItemWithError(by_stem, scat); /* borrowed */
            if (fitting == NULL) {
                if (PyErr_Occurred())
                    goto fail;
                PyObject *ssc = get(ssc_all, scat, NULL);
                if (ssc == NULL && PyErr_Occurred())
                    goto fail;
                PyObject *list = PyList_New(0);
                if (list == NULL)
                    goto fail;
                for (Py_ssize_t k = 0; ssc != NULL && k < PyTuple_GET_SIZE(suffixes); k++) {
                    PyObject *x = PyTuple_GET_ITEM(suffixes, k);
                    int fits = PySequence_Contains(ssc, PyTuple_GET_ITEM(x, 0));
                    if (fits < 0 || (fits && PyList_Append(list, x) < 0)) {
                        Py_DECREF(list);
                        goto fail;
                    }
                }
                PyObject *t = PyList_AsTuple(list);
                Py_DECREF(list);
                if (t == NULL || PyDict_SetItem(by_stem, scat, t) < 0) {
                    Py_XDECREF(t);
                    goto fail;
                }
                Py_DECREF(t);
                fitting = t; /* (by_stem holds it) */
            }
            if (PyTuple_GET_SIZE(fitting) == 0)
                continue;
            PyObject *pos = item(sf, s_pos), *lex = item(sf, s_lex), *lem = item(sf, s_lem), *diac = item(sf, s_diac),
                     *sdd = item(sf, s_dd);
            if (pos == NULL || lex == NULL || lem == NULL || diac == NULL || sdd == NULL)
                goto fail;
            PyObject *gloss = get(sf, s_gloss, s_empty), *sp2 = get(sf, s_prc2, s_zero), *sp1 = get(sf, s_prc1, s_zero),
                     *sp0 = get(sf, s_prc0, s_zero), *enc0 = get(sf, s_enc0, s_zero);
            if (gloss == NULL || sp2 == NULL || sp1 == NULL || sp0 == NULL || enc0 == NULL)
                goto fail;
            PyObject *prc2 = or_(p_prc2, sp2), *prc1 = or_(p_prc1, sp1), *prc0 = or_(p_prc0, sp0);
            if (prc2 == NULL || prc1 == NULL || prc0 == NULL)
                goto fail;
            PyObject *ps_dd = PyUnicode_Concat(p_dd, sdd);
            if (ps_dd == NULL)
                goto fail;
            for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(fitting); k++) {
                PyObject *x = PyTuple_GET_ITEM(fitting, k);
                PyObject *x_enc0 = or_(PyTuple_GET_ITEM(x, 1), enc0);
                PyObject *surface = x_enc0 == NULL ? NULL : PyUnicode_Concat(ps_dd, PyTuple_GET_ITEM(x, 2));
                if (surface == NULL) {
                    Py_DECREF(ps_dd);
                    goto fail;
                }
                int same = PyObject_RichCompareBool(surface, word, Py_EQ);
                Py_DECREF(surface);
                PyObject *d = same < 0 ? NULL : PyDict_New();
                if (d == NULL || PyDict_SetItem(d, s_pos, pos) < 0 || PyDict_SetItem(d, s_lex, lex) < 0 ||
                    PyDict_SetItem(d, s_lem, lem) < 0 || PyDict_SetItem(d, s_stem, diac) < 0 ||
                    PyDict_SetItem(d, s_sdd, sdd) < 0 || PyDict_SetItem(d, s_stemgloss, gloss) < 0 ||
                    PyDict_SetItem(d, s_prc2, prc2) < 0 || PyDict_SetItem(d, s_prc1, prc1) < 0 ||
                    PyDict_SetItem(d, s_prc0, prc0) < 0 || PyDict_SetItem(d, s_enc0, x_enc0) < 0 ||
                    PyDict_SetItem(d, s_src, same ? s_lex_src : s_spvar) < 0 || PyList_Append(out, d) < 0) {
                    Py_XDECREF(d);
                    Py_DECREF(ps_dd);
                    goto fail;
                }
                Py_DECREF(d);
            }
            Py_DECREF(ps_dd);
        }
        Py_DECREF(ps_compat);
        continue;
    fail:
        Py_DECREF(ps_compat);
        return -1;
    }
    return 0;
}

/* LeanAnalyzer.analyze's loop over the word's (prefix, stem, suffix) splits, in the same order:
   prefixes by length, then the DB suffixes of the word's end from the longest stem down, the
   stem at least one letter; each split's analyses as _combined_analyses makes them. */
static PyObject *combine(PyObject *self, PyObject *args) {
    PyObject *word_dediac, *word_normal, *db, *cache;
    if (!PyArg_ParseTuple(args, "UUOO!", &word_dediac, &word_normal, &db, &PyDict_Type, &cache))
        return NULL;
    PyObject *prefix_hash = NULL, *suffix_hash = NULL, *stem_hash = NULL, *pstem = NULL, *psc = NULL, *ssc = NULL,
             *mp = NULL, *ms = NULL, *word = NULL, *out = NULL, *endings = NULL;
    if ((prefix_hash = PyObject_GetAttrString(db, "prefix_hash")) == NULL ||
        (suffix_hash = PyObject_GetAttrString(db, "suffix_hash")) == NULL ||
        (stem_hash = PyObject_GetAttrString(db, "stem_hash")) == NULL ||
        (pstem = PyObject_GetAttrString(db, "prefix_stem_compat")) == NULL ||
        (psc = PyObject_GetAttrString(db, "prefix_suffix_compat")) == NULL ||
        (ssc = PyObject_GetAttrString(db, "stem_suffix_compat")) == NULL ||
        (mp = PyObject_GetAttrString(db, "max_prefix_size")) == NULL ||
        (ms = PyObject_GetAttrString(db, "max_suffix_size")) == NULL)
        goto done;
    if (!PyDict_Check(prefix_hash) || !PyDict_Check(suffix_hash) || !PyDict_Check(stem_hash) || !PyDict_Check(psc) ||
        !PyDict_Check(ssc)) {
        PyErr_SetString(PyExc_TypeError, "combine: the DB's tables are not dicts");
        goto done;
    }
    Py_ssize_t max_prefix = PyLong_AsSsize_t(mp), max_suffix = PyLong_AsSsize_t(ms);
    if (PyErr_Occurred())
        goto done;
    if ((word = PyUnicode_Replace(word_dediac, s_tatweel, s_empty, -1)) == NULL || (out = PyList_New(0)) == NULL ||
        (endings = PyList_New(0)) == NULL)
        goto done;
    Py_ssize_t w = PyUnicode_GET_LENGTH(word_normal);
    Py_ssize_t j0 = w - max_suffix > 1 ? w - max_suffix : 1;
    for (Py_ssize_t j = j0; j <= w; j++) { /* (j, suffix string, its analyses) */
        PyObject *suffix = PyUnicode_Substring(word_normal, j, w);
        if (suffix == NULL)
            goto fail;
        PyObject *sa = PyDict_GetItemWithError(suffix_hash, suffix);
        if (sa == NULL) {
            Py_DECREF(suffix);
            if (PyErr_Occurred())
                goto fail;
            continue;
        }
        PyObject *e = Py_BuildValue("(nNO)", j, suffix, sa);
        if (e == NULL || PyList_Append(endings, e) < 0) {
            Py_XDECREF(e);
            goto fail;
        }
        Py_DECREF(e);
    }
    Py_ssize_t p_max = max_prefix < w - 1 ? max_prefix : w - 1;
    for (Py_ssize_t p = 0; p <= p_max; p++) {
        PyObject *prefix = PyUnicode_Substring(word_normal, 0, p);
        if (prefix == NULL)
            goto fail;
        PyObject *prefixes = PyDict_GetItemWithError(prefix_hash, prefix);
        Py_DECREF(prefix);
        if (prefixes == NULL) {
            if (PyErr_Occurred())
                goto fail;
            continue;
        }
        Py_ssize_t first_end = p + 1 > w - max_suffix ? p + 1 : w - max_suffix;
        for (Py_ssize_t k = 0; k < PyList_GET_SIZE(endings); k++) {
            PyObject *e = PyList_GET_ITEM(endings, k);
            Py_ssize_t j = PyLong_AsSsize_t(PyTuple_GET_ITEM(e, 0));
            if (j < first_end)
                continue;
            PyObject *stem = PyUnicode_Substring(word_normal, p, j);
            if (stem == NULL)
                goto fail;
            PyObject *stems = PyDict_GetItemWithError(stem_hash, stem);
            Py_DECREF(stem);
            if (stems == NULL) {
                if (PyErr_Occurred())
                    goto fail;
                continue;
            }
            if (!PyList_Check(prefixes) || !PyList_Check(stems) || !PyList_Check(PyTuple_GET_ITEM(e, 2))) {
                PyErr_SetString(PyExc_TypeError, "combine: the DB's entries are not lists");
                goto fail;
            }
            if (combine_split(out, word, prefixes, stems, PyTuple_GET_ITEM(e, 2), PyTuple_GET_ITEM(e, 1), psc, pstem,
                              ssc, cache) < 0)
                goto fail;
        }
    }
    goto done;
fail:
    Py_CLEAR(out);
done:
    Py_XDECREF(prefix_hash);
    Py_XDECREF(suffix_hash);
    Py_XDECREF(stem_hash);
    Py_XDECREF(pstem);
    Py_XDECREF(psc);
    Py_XDECREF(ssc);
    Py_XDECREF(mp);
    Py_XDECREF(ms);
    Py_XDECREF(word);
    Py_XDECREF(endings);
    return out;
}

static PyMethodDef methods[] = {
    {"combine", combine, METH_VARARGS, "combine(word_dediac, word_normal, db, suffix_cache) -> list of analysis dicts"},
    {"choose_raw", choose_raw, METH_VARARGS,
     "choose_raw(words, cache, miss, ctx, bound, name_clitics, known) -> the best candidate per word"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cmorph", NULL, -1, methods, NULL, NULL, NULL, NULL};

#define INTERN(var, text) (((var) = PyUnicode_InternFromString(text)) == NULL)

PyMODINIT_FUNC PyInit__cmorph(void) {
    if (INTERN(s_dd, "_dd") || INTERN(s_lem, "_lem") || INTERN(s_diac, "diac") || INTERN(s_lex, "lex") ||
        INTERN(s_gloss, "gloss") || INTERN(s_prc2, "prc2") || INTERN(s_prc1, "prc1") || INTERN(s_prc0, "prc0") ||
        INTERN(s_enc0, "enc0") || INTERN(s_zero, "0") || INTERN(s_empty, "") || INTERN(s_stem, "stem") ||
        INTERN(s_sdd, "_sdd") || INTERN(s_stemgloss, "stemgloss") || INTERN(s_src, "source") ||
        INTERN(s_lex_src, "lex") || INTERN(s_spvar, "spvar") || INTERN(s_tatweel, "\u0640"))
        return NULL;
    if ((s_pos = PyUnicode_InternFromString("pos")) == NULL || (s_score = PyUnicode_InternFromString("score")) == NULL ||
        (s_source = PyUnicode_InternFromString("source")) == NULL ||
        (s_lexicon = PyUnicode_InternFromString("lexicon")) == NULL ||
        (s_bos = PyUnicode_InternFromString("BOS")) == NULL || (s_eos = PyUnicode_InternFromString("EOS")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}
