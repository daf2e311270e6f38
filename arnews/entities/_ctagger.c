/* The two numeric loops of the CRF tagger (viterbi.LinearChain), in C alone.

   Per word position they are a few hundred additions and comparisons over arrays, which
   Python runs at a few us each and numpy at ~25 us per call overhead: here they cost next to
   nothing. Which features a word has (their strings, their row ids) is decided in Python,
   features.py; this module only adds rows and finds the best path.

   viterbi(emis, lens, trans, n_labels) -> list of label-id lists
     emis:  buffer of doubles, one row of n_labels per word, the sentences back to back
     lens:  sequence of sentence lengths (sum = number of rows)
     trans: buffer of n_labels * n_labels doubles, [from][to]
     For each label: max over the previous label of delta + transition, then + emission; the
     first maximum wins, as in crfsuite.

   emissions(words, table, n_labels, out) -> None
     words: list of sequences of row ids (one per word); table: float32 buffer of rows of
     n_labels; out: writable float64 buffer, one row per word. Each word's rows are summed in
     double, in list order, like crfsuite's own sums.
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

static PyMethodDef methods[] = {
    {"viterbi", viterbi, METH_VARARGS, "viterbi(emis, lens, trans, n_labels) -> list of label-id lists"},
    {"emissions", emissions, METH_VARARGS, "emissions(words, table, n_labels, out): each word's summed rows"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ctagger", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__ctagger(void) { return PyModule_Create(&module); }
