/* The inner loops of the array CRF tagger (viterbi.LinearChain), in C.

   In Python each of these is a loop over a few hundred small items per sentence, and a batch
   worker runs them for every word it tags: as numpy calls, the Viterbi steps cost ~25 us per
   word position in per-call overhead alone (a third of the entity stage). viterbi.py keeps a
   pure Python/numpy version of each, used where this module was not built; the tests check
   that both tag alike, and alike to crfsuite.

   viterbi(emis, lens, trans, n_labels) -> list of label-id lists
     emis:  buffer of doubles, one row of n_labels per word, the sentences back to back
     lens:  sequence of sentence lengths (sum = number of rows)
     trans: buffer of n_labels * n_labels doubles, [from][to]
     The same sums in the same order as the numpy loop (max over the previous label of
     delta + transition, then + emission); the first maximum wins, as with numpy's argmax
     and in crfsuite.

   emissions(words, table, n_labels, out) -> None
     words: list of sequences of row ids (one per word); table: float32 buffer of rows of
     n_labels; out: writable float64 buffer, one row per word. Each word's rows are summed in
     double, in list order, like crfsuite's own sums (numpy's add.reduceat sums the float32
     rows pairwise in float32, so the last bits can differ from it).

   row_ids(index, items, unknown) -> list of ints
     items: any sequence. Each item that is an int as it is, each str as index[item]; a str the index lacks gives
     `unknown`, or is left out when `unknown` is None.

   add_blocks(index, blocks, shared, pending, starts, size, shared_max, unknown) -> (rows, size)
     viterbi.LinearChain.add_block for several blocks at once (see the function).

   morph_parts(infos, analyses, mrcache, miss) -> (morph, near, cls, topics)
     FeatureExtractor._sentence_parts' per-word loop for the row tagger (see the function).

   sentence_ids(infos, gaz, morph, near, topics, cls, index, unknown, consts, pairs) -> list of int lists
     features.FeatureExtractor._assemble's loop over a sentence's words with rows=True, the
     strings mapped as row_ids does: the same features in the same order (the order of the
     emission sums). tests/test_entities.py compares the two on real text.
     consts: the ids of BOS, EOS, -2:pad, -1:pad, 1:pad, 2:pad (tuple of 6 ints);
     pairs: (b- table, b+ table), each {X: {Y: id}} for the word-pair features "b-=X|Y" the
     index holds (viterbi.LinearChain.pair_tables): two lookups instead of formatting and
     hashing a new string for every word, when 99% of them are unknown.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *viterbi(PyObject *self, PyObject *args) {
    Py_buffer emis_buf, trans_buf;
    PyObject *lens_obj;
    Py_ssize_t n_l;
    if (!PyArg_ParseTuple(args, "y*Oy*n", &emis_buf, &lens_obj, &trans_buf, &n_l))
        return NULL;
    PyObject *result = NULL, *lens = NULL;
    double *work = NULL;
    int *back = NULL;
    if (n_l <= 0 || trans_buf.len != (Py_ssize_t)(n_l * n_l * sizeof(double)) ||
        emis_buf.len % (Py_ssize_t)(n_l * sizeof(double)) != 0) {
        PyErr_SetString(PyExc_ValueError, "viterbi: buffer sizes do not match n_labels");
        goto done;
    }
    lens = PySequence_Fast(lens_obj, "viterbi: lens must be a sequence");
    if (lens == NULL)
        goto done;
    Py_ssize_t n_sent = PySequence_Fast_GET_SIZE(lens);
    Py_ssize_t n_rows = emis_buf.len / (Py_ssize_t)(n_l * sizeof(double));
    Py_ssize_t total = 0, longest = 0;
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        Py_ssize_t n = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(lens, s));
        if (n < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "viterbi: negative sentence length");
            goto done;
        }
        total += n;
        if (n > longest)
            longest = n;
    }
    if (total != n_rows) {
        PyErr_SetString(PyExc_ValueError, "viterbi: sentence lengths do not add up to the emission rows");
        goto done;
    }
    work = PyMem_Malloc(sizeof(double) * 2 * n_l);
    back = PyMem_Malloc(sizeof(int) * (longest > 0 ? longest : 1) * n_l);
    result = PyList_New(n_sent);
    if (work == NULL || back == NULL || result == NULL) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        Py_CLEAR(result);
        goto done;
    }
    const double *e = (const double *)emis_buf.buf;
    const double *trans = (const double *)trans_buf.buf;
    for (Py_ssize_t s = 0; s < n_sent; s++) {
        Py_ssize_t n = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(lens, s));
        PyObject *path = PyList_New(n);
        if (path == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, s, path);
        if (n == 0)
            continue;
        double *delta = work, *next = work + n_l;
        for (Py_ssize_t j = 0; j < n_l; j++)
            delta[j] = e[j];
        for (Py_ssize_t t = 1; t < n; t++) {
            const double *et = e + t * n_l;
            int *bt = back + t * n_l;
            for (Py_ssize_t j = 0; j < n_l; j++) {
                double best = delta[0] + trans[j];
                int arg = 0;
                for (Py_ssize_t i = 1; i < n_l; i++) {
                    double v = delta[i] + trans[i * n_l + j];
                    if (v > best) {
                        best = v;
                        arg = (int)i;
                    }
                }
                next[j] = best + et[j];
                bt[j] = arg;
            }
            double *tmp = delta;
            delta = next;
            next = tmp;
        }
        Py_ssize_t cur = 0;
        for (Py_ssize_t j = 1; j < n_l; j++)
            if (delta[j] > delta[cur])
                cur = j;
        for (Py_ssize_t t = n - 1;; t--) {
            PyObject *label = PyLong_FromSsize_t(cur);
            if (label == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            PyList_SET_ITEM(path, t, label);
            if (t == 0)
                break;
            cur = back[t * n_l + cur];
        }
        e += n * n_l;
    }
done:
    PyMem_Free(work);
    PyMem_Free(back);
    Py_XDECREF(lens);
    PyBuffer_Release(&emis_buf);
    PyBuffer_Release(&trans_buf);
    return result;
}

static PyObject *emissions(PyObject *self, PyObject *args) {
    PyObject *words;
    Py_buffer table_buf, out_buf;
    Py_ssize_t n_l;
    if (!PyArg_ParseTuple(args, "O!y*nw*", &PyList_Type, &words, &table_buf, &n_l, &out_buf))
        return NULL;
    PyObject *result = NULL;
    double *acc = NULL;
    Py_ssize_t n_words = PyList_GET_SIZE(words);
    if (n_l <= 0 || table_buf.len % (Py_ssize_t)(n_l * sizeof(float)) != 0 ||
        out_buf.len != (Py_ssize_t)(n_words * n_l * sizeof(double))) {
        PyErr_SetString(PyExc_ValueError, "emissions: buffer sizes do not match n_labels and the words");
        goto done;
    }
    Py_ssize_t n_rows = table_buf.len / (Py_ssize_t)(n_l * sizeof(float));
    const float *table = (const float *)table_buf.buf;
    double *out = (double *)out_buf.buf;
    acc = PyMem_Malloc(sizeof(double) * n_l);
    if (acc == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t w = 0; w < n_words; w++) {
        /* a list or tuple as it is (no copy) */
        PyObject *ids = PySequence_Fast(PyList_GET_ITEM(words, w), "emissions: each word's row ids must be a sequence");
        if (ids == NULL)
            goto done;
        Py_ssize_t k = PySequence_Fast_GET_SIZE(ids);
        for (Py_ssize_t j = 0; j < n_l; j++)
            acc[j] = 0.0;
        for (Py_ssize_t r = 0; r < k; r++) {
            Py_ssize_t row = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(ids, r));
            if (row < 0 || row >= n_rows) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_IndexError, "emissions: row id out of range");
                Py_DECREF(ids);
                goto done;
            }
            const float *src = table + row * n_l;
            if (r == 0)
                for (Py_ssize_t j = 0; j < n_l; j++)
                    acc[j] = src[j];
            else
                for (Py_ssize_t j = 0; j < n_l; j++)
                    acc[j] += src[j];
        }
        Py_DECREF(ids);
        for (Py_ssize_t j = 0; j < n_l; j++)
            out[w * n_l + j] = acc[j];
    }
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(acc);
    PyBuffer_Release(&table_buf);
    PyBuffer_Release(&out_buf);
    return result;
}

static PyObject *row_ids_of(PyObject *index, PyObject *seq, PyObject *unknown);

static PyObject *row_ids(PyObject *self, PyObject *args) {
    PyObject *index, *seq, *unknown;
    if (!PyArg_ParseTuple(args, "O!OO", &PyDict_Type, &index, &seq, &unknown))
        return NULL;
    return row_ids_of(index, seq, unknown);
}

static PyObject *row_ids_of(PyObject *index, PyObject *seq, PyObject *unknown) {
    PyObject *items = PySequence_Fast(seq, "row_ids: items must be a sequence"); /* a list or tuple as it is */
    if (items == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items);
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        Py_DECREF(items);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(items, i), *id;
        if (PyLong_CheckExact(item)) {
            id = item;
        } else {
            id = PyDict_GetItemWithError(index, item); /* borrowed */
            if (id == NULL) {
                if (PyErr_Occurred())
                    goto fail;
                if (unknown == Py_None)
                    continue;
                id = unknown;
            }
        }
        if (PyList_Append(out, id) < 0)
            goto fail;
    }
    Py_DECREF(items);
    return out;
fail:
    Py_DECREF(items);
    Py_DECREF(out);
    return NULL;
}

/* Append index[key] (or unknown) to out; steals the reference to key. */
static int put_key(PyObject *out, PyObject *index, PyObject *unknown, PyObject *key) {
    if (key == NULL)
        return -1;
    PyObject *id = PyDict_GetItemWithError(index, key); /* borrowed */
    Py_DECREF(key);
    if (id == NULL) {
        if (PyErr_Occurred())
            return -1;
        id = unknown;
    }
    return PyList_Append(out, id);
}

static int put_obj(PyObject *out, PyObject *obj) { return obj == Py_None ? 0 : PyList_Append(out, obj); }

/* cls entries: () or a tuple of class strings; an empty one iterates as ("",) (features._NONE). */
static int put_pairs(PyObject *out, PyObject *index, PyObject *unknown, const char *fmt, PyObject *first,
                     PyObject *second, PyObject *empty, int swap) {
    PyObject *xs = PyTuple_GET_SIZE(first) ? first : empty, *ys = PyTuple_GET_SIZE(second) ? second : empty;
    for (Py_ssize_t a = 0; a < PyTuple_GET_SIZE(xs); a++) {
        PyObject *x = PyTuple_GET_ITEM(xs, a);
        for (Py_ssize_t b = 0; b < PyTuple_GET_SIZE(ys); b++) {
            PyObject *y = PyTuple_GET_ITEM(ys, b);
            if (PyUnicode_CompareWithASCIIString(x, "P") != 0 && PyUnicode_CompareWithASCIIString(y, "P") != 0)
                continue;
            if (put_key(out, index, unknown, swap ? PyUnicode_FromFormat(fmt, y, x) : PyUnicode_FromFormat(fmt, x, y)) < 0)
                return -1;
        }
    }
    return 0;
}

/* What word i sees of its neighbour at offset d (nb slot `slot`): that neighbour's part, its
   gazetteer tag, and for d = -1/+1 its morphology part; "<d>:pad" past the sentence's ends. */
static int put_neighbour(PyObject *feats, PyObject *index, PyObject *unknown, PyObject *infos, PyObject *gaz,
                         PyObject *near, Py_ssize_t i, int d, int slot, PyObject *pad) {
    Py_ssize_t j = i + d;
    if (j < 0 || j >= PyList_GET_SIZE(infos))
        return PyList_Append(feats, pad); /* the id of "<d>:pad" */
    PyObject *other = PyList_GET_ITEM(infos, j), *og = PyList_GET_ITEM(gaz, j);
    if (put_obj(feats, PyTuple_GET_ITEM(PyTuple_GET_ITEM(other, 3), slot)) < 0)
        return -1;
    if (og != Py_None && PyObject_IsTrue(og) && put_key(feats, index, unknown, PyUnicode_FromFormat("%d:g=%U", d, og)) < 0)
        return -1;
    if (d == -1 || d == 1) {
        PyObject *nr = PyList_GET_ITEM(near, j);
        if (PyTuple_GET_SIZE(nr) && put_obj(feats, PyTuple_GET_ITEM(nr, d == -1 ? 0 : 1)) < 0)
            return -1;
    }
    return 0;
}

/* pairs[x][y], or unknown: the id of the pair feature "b±=x|y". */
static int put_pair(PyObject *out, PyObject *pairs, PyObject *unknown, PyObject *x, PyObject *y) {
    PyObject *row = PyDict_GetItemWithError(pairs, x), *id = NULL; /* borrowed */
    if (row == NULL && PyErr_Occurred())
        return -1;
    if (row != NULL) {
        if (!PyDict_Check(row)) {
            PyErr_SetString(PyExc_TypeError, "sentence_ids: a pair table row is not a dict");
            return -1;
        }
        id = PyDict_GetItemWithError(row, y);
        if (id == NULL && PyErr_Occurred())
            return -1;
    }
    return PyList_Append(out, id != NULL ? id : unknown);
}

static PyObject *sentence_ids(PyObject *self, PyObject *args) {
    PyObject *infos, *gaz, *morph, *near, *topics, *cls, *index, *unknown, *consts, *pairs;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!O!OO!O!", &PyList_Type, &infos, &PyList_Type, &gaz, &PyList_Type, &morph,
                          &PyList_Type, &near, &PyList_Type, &topics, &PyList_Type, &cls, &PyDict_Type, &index,
                          &unknown, &PyTuple_Type, &consts, &PyTuple_Type, &pairs))
        return NULL;
    if (PyTuple_GET_SIZE(consts) != 6 || PyTuple_GET_SIZE(pairs) != 2 || !PyDict_Check(PyTuple_GET_ITEM(pairs, 0)) ||
        !PyDict_Check(PyTuple_GET_ITEM(pairs, 1))) {
        PyErr_SetString(PyExc_TypeError, "sentence_ids: consts must hold 6 ids and pairs two dicts");
        return NULL;
    }
    PyObject *bminus = PyTuple_GET_ITEM(pairs, 0), *bplus = PyTuple_GET_ITEM(pairs, 1);
    Py_ssize_t n = PyList_GET_SIZE(infos), n_top = PyList_GET_SIZE(topics);
    if (PyList_GET_SIZE(gaz) != n || PyList_GET_SIZE(morph) != n || PyList_GET_SIZE(near) != n ||
        PyList_GET_SIZE(cls) != n) {
        PyErr_SetString(PyExc_ValueError, "sentence_ids: per-word lists of different lengths");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *info = PyList_GET_ITEM(infos, i), *c = PyList_GET_ITEM(cls, i), *nr = PyList_GET_ITEM(near, i);
        if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 7 || !PyTuple_Check(PyTuple_GET_ITEM(info, 3)) ||
            PyTuple_GET_SIZE(PyTuple_GET_ITEM(info, 3)) != 5 || !PyTuple_Check(c) || !PyTuple_Check(nr) ||
            (PyTuple_GET_SIZE(nr) != 0 && PyTuple_GET_SIZE(nr) != 2)) {
            PyErr_SetString(PyExc_TypeError, "sentence_ids: a word's parts are not shaped as _word_rows makes them");
            return NULL;
        }
    }
    PyObject *empty = Py_BuildValue("(s)", "");
    PyObject *result = PyList_New(n);
    if (empty == NULL || result == NULL)
        goto fail;
    Py_ssize_t last = n - 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *feats = PyList_New(0);
        if (feats == NULL)
            goto fail;
        PyList_SET_ITEM(result, i, feats);
        PyObject *info = PyList_GET_ITEM(infos, i);
        PyObject *g = PyList_GET_ITEM(gaz, i);
        int has_g = g != Py_None && PyObject_IsTrue(g);
        if (PyList_Append(feats, PyTuple_GET_ITEM(info, 2)) < 0)
            goto fail;
        if (has_g && put_key(feats, index, unknown, PyUnicode_FromFormat("g=%U", g)) < 0)
            goto fail;
        for (Py_ssize_t t = 0; t < n_top; t++) {
            PyObject *topic = PyList_GET_ITEM(topics, t);
            if (put_key(feats, index, unknown, PyUnicode_FromFormat("topic=%U", topic)) < 0)
                goto fail;
            if (has_g && put_key(feats, index, unknown, PyUnicode_FromFormat("topic=%U|g=%U", topic, g)) < 0)
                goto fail;
            if (put_key(feats, index, unknown, PyUnicode_FromFormat("topic=%U|%U", topic, PyTuple_GET_ITEM(info, 4))) < 0)
                goto fail;
        }
        if (put_obj(feats, PyList_GET_ITEM(morph, i)) < 0)
            goto fail;
        if (i == 0 && PyList_Append(feats, PyTuple_GET_ITEM(consts, 0)) < 0)
            goto fail;
        if (i == last && PyList_Append(feats, PyTuple_GET_ITEM(consts, 1)) < 0)
            goto fail;
        /* The neighbours at -2, -1, +1, +2, in that order: their slots in the nb tuple
           (None, +1, +2, -2, -1) hold what a word at that offset sees of them. */
        static const int offsets[4] = {-2, -1, 1, 2}, slots[4] = {3, 4, 1, 2};
        for (int k = 0; k < 4; k++)
            if (put_neighbour(feats, index, unknown, infos, gaz, near, i, offsets[k], slots[k],
                              PyTuple_GET_ITEM(consts, 2 + k)) < 0)
                goto fail;
        PyObject *a = PyList_GET_ITEM(cls, i);
        if (i < last) {
            PyObject *b = PyList_GET_ITEM(cls, i + 1);
            if ((PyTuple_GET_SIZE(a) || PyTuple_GET_SIZE(b)) &&
                put_pairs(feats, index, unknown, "nc+=%U>%U", a, b, empty, 0) < 0)
                goto fail;
        }
        if (i > 0) {
            PyObject *b = PyList_GET_ITEM(cls, i - 1);
            if ((PyTuple_GET_SIZE(a) || PyTuple_GET_SIZE(b)) &&
                put_pairs(feats, index, unknown, "nc-=%U<%U", a, b, empty, 1) < 0)
                goto fail;
        }
        if (i > 0 && put_pair(feats, bminus, unknown, PyTuple_GET_ITEM(PyList_GET_ITEM(infos, i - 1), 1),
                              PyTuple_GET_ITEM(info, 1)) < 0)
            goto fail;
        if (i < last && put_pair(feats, bplus, unknown, PyTuple_GET_ITEM(info, 1),
                                 PyTuple_GET_ITEM(PyList_GET_ITEM(infos, i + 1), 1)) < 0)
            goto fail;
    }
    Py_DECREF(empty);
    return result;
fail:
    Py_XDECREF(empty);
    Py_XDECREF(result);
    return NULL;
}

/* One new summed row: its ids go to the pending list (summed before the next tagging). */
static PyObject *new_row(PyObject *ids, PyObject *pending, PyObject *starts, Py_ssize_t *size) {
    PyObject *start = PyLong_FromSsize_t(PyList_GET_SIZE(pending));
    if (start == NULL || PyList_Append(starts, start) < 0) {
        Py_XDECREF(start);
        return NULL;
    }
    Py_DECREF(start);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(ids); i++)
        if (PyList_Append(pending, PyList_GET_ITEM(ids, i)) < 0)
            return NULL;
    *size += 1;
    return PyLong_FromSsize_t(*size - 1);
}

/* LinearChain.add_block for several blocks at once (a new word's own part and its four
   neighbour parts): each block's known attributes (ints as they are, strings through index,
   unknown ones left out); no attribute -> unknown, one -> its own row, up to shared_max -> the
   row shared by that id tuple (made once), more -> a new row.
   add_blocks(index, blocks, shared, pending, starts, size, shared_max, unknown) -> (rows, size) */
static PyObject *add_blocks(PyObject *self, PyObject *args) {
    PyObject *index, *blocks, *shared, *pending, *starts, *unknown;
    Py_ssize_t size, shared_max;
    if (!PyArg_ParseTuple(args, "O!OO!O!O!nnO", &PyDict_Type, &index, &blocks, &PyDict_Type, &shared, &PyList_Type,
                          &pending, &PyList_Type, &starts, &size, &shared_max, &unknown))
        return NULL;
    PyObject *bl = PySequence_Fast(blocks, "add_blocks: blocks must be a sequence");
    if (bl == NULL)
        return NULL;
    Py_ssize_t nb = PySequence_Fast_GET_SIZE(bl);
    PyObject *rows = PyTuple_New(nb), *ids = NULL;
    if (rows == NULL)
        goto fail;
    for (Py_ssize_t b = 0; b < nb; b++) {
        Py_XDECREF(ids);
        if ((ids = row_ids_of(index, PySequence_Fast_GET_ITEM(bl, b), Py_None)) == NULL)
            goto fail;
        Py_ssize_t n = PyList_GET_SIZE(ids);
        PyObject *row;
        if (n == 0) {
            Py_INCREF(unknown);
            row = unknown;
        } else if (n == 1) {
            row = PyList_GET_ITEM(ids, 0);
            Py_INCREF(row);
        } else if (n <= shared_max) {
            PyObject *key = PyList_AsTuple(ids);
            if (key == NULL)
                goto fail;
            row = PyDict_GetItemWithError(shared, key); /* borrowed */
            if (row != NULL) {
                Py_INCREF(row);
            } else if (PyErr_Occurred() || (row = new_row(ids, pending, starts, &size)) == NULL ||
                       PyDict_SetItem(shared, key, row) < 0) {
                Py_XDECREF(row);
                Py_DECREF(key);
                goto fail;
            }
            Py_DECREF(key);
        } else if ((row = new_row(ids, pending, starts, &size)) == NULL) {
            goto fail;
        }
        PyTuple_SET_ITEM(rows, b, row);
    }
    Py_XDECREF(ids);
    Py_DECREF(bl);
    return Py_BuildValue("(Nn)", rows, size);
fail:
    Py_XDECREF(ids);
    Py_XDECREF(rows);
    Py_DECREF(bl);
    return NULL;
}

/* features.FeatureExtractor._sentence_parts' loop over the words' analyses for the row tagger:
   per word its morphology part and what its -1/+1 neighbours see, from mrcache by the key
   _morph_key builds (info[0], a.pos, a.source, a.lemma, tuple(a.proclitics) or ()), calling
   miss(info, a) (FeatureExtractor._morph_rows, which fills the cache) when it lacks the key;
   also each word's name-list classes (info[6]) and the union of the words' topics (info[7]).
   morph_parts(infos, analyses, mrcache, miss) -> (morph, near, cls, topics) */
static PyObject *morph_parts(PyObject *self, PyObject *args) {
    PyObject *infos, *analyses, *mrcache, *miss;
    if (!PyArg_ParseTuple(args, "O!OO!O", &PyList_Type, &infos, &analyses, &PyDict_Type, &mrcache, &miss))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(infos);
    PyObject *seq = analyses == Py_None ? NULL : PySequence_Fast(analyses, "morph_parts: analyses must be a sequence");
    if (analyses != Py_None && seq == NULL)
        return NULL;
    if (seq != NULL && PySequence_Fast_GET_SIZE(seq) != n) {
        PyErr_SetString(PyExc_ValueError, "morph_parts: as many analyses as words needed");
        Py_DECREF(seq);
        return NULL;
    }
    static PyObject *s_pos, *s_source, *s_lemma, *s_proclitics;
    if (s_pos == NULL && ((s_pos = PyUnicode_InternFromString("pos")) == NULL ||
                          (s_source = PyUnicode_InternFromString("source")) == NULL ||
                          (s_lemma = PyUnicode_InternFromString("lemma")) == NULL ||
                          (s_proclitics = PyUnicode_InternFromString("proclitics")) == NULL)) {
        Py_XDECREF(seq);
        return NULL;
    }
    PyObject *morph = PyList_New(n), *near = PyList_New(n), *cls = PyList_New(n), *topics = PySet_New(NULL);
    PyObject *empty = PyTuple_New(0);
    if (morph == NULL || near == NULL || cls == NULL || topics == NULL || empty == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < n; i++) { /* (the lists own None/() until filled) */
        Py_INCREF(Py_None);
        PyList_SET_ITEM(morph, i, Py_None);
        Py_INCREF(empty);
        PyList_SET_ITEM(near, i, empty);
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *info = PyList_GET_ITEM(infos, i);
        if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) < 7) {
            PyErr_SetString(PyExc_TypeError, "morph_parts: a word's parts are not shaped as _word_rows makes them");
            goto fail;
        }
        PyObject *c = PyTuple_GET_ITEM(info, 6);
        Py_INCREF(c);
        PyList_SET_ITEM(cls, i, c);
        if (PyTuple_GET_SIZE(info) > 7) {
            PyObject *tops = PyTuple_GET_ITEM(info, 7);
            if (PyTuple_Check(tops))
                for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(tops); t++)
                    if (PySet_Add(topics, PyTuple_GET_ITEM(tops, t)) < 0)
                        goto fail;
        }
        if (seq == NULL)
            continue;
        PyObject *a = PySequence_Fast_GET_ITEM(seq, i);
        if (a == Py_None)
            continue;
        PyObject *key = PyTuple_New(5), *pro = NULL;
        if (key == NULL)
            goto fail;
        PyObject *k0 = PyTuple_GET_ITEM(info, 0);
        Py_INCREF(k0);
        PyTuple_SET_ITEM(key, 0, k0);
        PyObject *v;
        if ((v = PyObject_GetAttr(a, s_pos)) == NULL) { Py_DECREF(key); goto fail; }
        PyTuple_SET_ITEM(key, 1, v);
        if ((v = PyObject_GetAttr(a, s_source)) == NULL) { Py_DECREF(key); goto fail; }
        PyTuple_SET_ITEM(key, 2, v);
        if ((v = PyObject_GetAttr(a, s_lemma)) == NULL) { Py_DECREF(key); goto fail; }
        PyTuple_SET_ITEM(key, 3, v);
        if ((pro = PyObject_GetAttr(a, s_proclitics)) == NULL) { Py_DECREF(key); goto fail; }
        int has = PyObject_IsTrue(pro);
        if (has < 0) { Py_DECREF(pro); Py_DECREF(key); goto fail; }
        if (has) {
            v = PySequence_Tuple(pro);
            Py_DECREF(pro);
            if (v == NULL) { Py_DECREF(key); goto fail; }
        } else {
            Py_DECREF(pro);
            Py_INCREF(empty);
            v = empty;
        }
        PyTuple_SET_ITEM(key, 4, v);
        PyObject *hit = PyDict_GetItemWithError(mrcache, key); /* borrowed */
        Py_DECREF(key);
        if (hit != NULL) {
            Py_INCREF(hit);
        } else if (PyErr_Occurred() || (hit = PyObject_CallFunctionObjArgs(miss, info, a, NULL)) == NULL) {
            goto fail;
        }
        if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 2) {
            Py_DECREF(hit);
            PyErr_SetString(PyExc_TypeError, "morph_parts: a morphology part is not a (rows, near) pair");
            goto fail;
        }
        PyObject *m = PyTuple_GET_ITEM(hit, 0), *nr = PyTuple_GET_ITEM(hit, 1);
        PyObject *old_m = PyList_GET_ITEM(morph, i), *old_n = PyList_GET_ITEM(near, i);
        Py_INCREF(m);
        PyList_SET_ITEM(morph, i, m);
        Py_DECREF(old_m);
        Py_INCREF(nr);
        PyList_SET_ITEM(near, i, nr);
        Py_DECREF(old_n);
        Py_DECREF(hit);
    }
    Py_XDECREF(seq);
    Py_DECREF(empty);
    PyObject *out = PyTuple_Pack(4, morph, near, cls, topics);
    Py_DECREF(morph);
    Py_DECREF(near);
    Py_DECREF(cls);
    Py_DECREF(topics);
    return out;
fail:
    Py_XDECREF(seq);
    Py_XDECREF(empty);
    Py_XDECREF(morph);
    Py_XDECREF(near);
    Py_XDECREF(cls);
    Py_XDECREF(topics);
    return NULL;
}

static PyMethodDef methods[] = {
    {"add_blocks", add_blocks, METH_VARARGS,
     "add_blocks(index, blocks, shared, pending, starts, size, shared_max, unknown) -> (rows, size)"},
    {"morph_parts", morph_parts, METH_VARARGS, "morph_parts(infos, analyses, mrcache, miss) -> (morph, near, cls, topics)"},
    {"sentence_ids", sentence_ids, METH_VARARGS, "a sentence's feature row ids (features._assemble, rows=True)"},
    {"row_ids", row_ids, METH_VARARGS, "row_ids(index, items, unknown) -> list of ints"},
    {"viterbi", viterbi, METH_VARARGS, "viterbi(emis, lens, trans, n_labels) -> list of label-id lists"},
    {"emissions", emissions, METH_VARARGS, "emissions(words, table, n_labels, out): each word's summed rows"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ctagger", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__ctagger(void) { return PyModule_Create(&module); }
