/* AnalyzerBackend.choose for running text (raw input, every word Arabic), in C.

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

static PyMethodDef methods[] = {
    {"choose_raw", choose_raw, METH_VARARGS,
     "choose_raw(words, cache, miss, ctx, bound, name_clitics, known) -> the best candidate per word"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_cchoose", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__cchoose(void) {
    if ((s_pos = PyUnicode_InternFromString("pos")) == NULL || (s_score = PyUnicode_InternFromString("score")) == NULL ||
        (s_source = PyUnicode_InternFromString("source")) == NULL ||
        (s_lexicon = PyUnicode_InternFromString("lexicon")) == NULL ||
        (s_bos = PyUnicode_InternFromString("BOS")) == NULL || (s_eos = PyUnicode_InternFromString("EOS")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}
