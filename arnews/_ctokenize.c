/* tokenize.tokenize's loop over a text's whitespace-separated chunks, in C.

   Per token the Python loop costs some 2 us beyond making the Token itself (a finditer match,
   two method calls, a cache lookup, tuple unpacking): a fifth of a batch worker's tokens stage.
   tokenize.py keeps the Python loop (_py_token_loop) where this module was not built;
   tests/test_tokenize.py checks that both give equal tokens and sentences.

   token_loop(text, cache, make, Token, Sentence) -> (tokens, sentences)
     text:  str. Chunks are the maximal runs of characters that are not whitespace in
            Py_UNICODE_ISSPACE's sense, which is what the re module's \s means for str
            patterns (tokenize._WORD_RE is \S+).
     cache: dict chunk -> pieces, filled here with make(chunk) for chunks it lacks.
     pieces: tuple of (text, start, end, norm, kind, ends_sentence) with offsets relative
            to the chunk (tokenize._token_pieces).
     A sentence closes after a piece with ends_sentence, and before a chunk preceded by a
     line break (LF or CR); Sentence(start, end, token_start, token_end) as tokenize's close().
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    PyObject *tokens, *sentences, *sentence_type;
    Py_ssize_t first;       /* index of the open sentence's first token */
    Py_ssize_t first_start; /* that token's start */
    Py_ssize_t last_end;    /* end of the last token made */
} Loop;

/* tokenize's close(len(tokens)). */
static int close_sentence(Loop *L) {
    Py_ssize_t upto = PyList_GET_SIZE(L->tokens);
    if (upto <= L->first)
        return 0;
    PyObject *s = PyObject_CallFunction(L->sentence_type, "nnnn", L->first_start, L->last_end, L->first, upto);
    if (s == NULL)
        return -1;
    int rc = PyList_Append(L->sentences, s);
    Py_DECREF(s);
    L->first = upto;
    return rc;
}

static int check_piece(PyObject *p, Py_ssize_t *s, Py_ssize_t *e) {
    if (!PyTuple_Check(p) || PyTuple_GET_SIZE(p) != 6) {
        PyErr_SetString(PyExc_TypeError, "token_loop: a piece is not a 6-tuple");
        return -1;
    }
    *s = PyLong_AsSsize_t(PyTuple_GET_ITEM(p, 1));
    *e = PyLong_AsSsize_t(PyTuple_GET_ITEM(p, 2));
    return (*s == -1 || *e == -1) && PyErr_Occurred() ? -1 : 0;
}

static PyObject *token_loop(PyObject *self, PyObject *args) {
    PyObject *text, *cache, *make, *token_type, *sentence_type;
    if (!PyArg_ParseTuple(args, "UO!OOO", &text, &PyDict_Type, &cache, &make, &token_type, &sentence_type))
        return NULL;
    Loop L = {PyList_New(0), PyList_New(0), sentence_type, 0, 0, 0};
    if (L.tokens == NULL || L.sentences == NULL)
        goto fail;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    int saw_newline = 0;
    while (i < n) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(ch)) {
            if (ch == '\n' || ch == '\r')  /* LF, CRLF, or old Mac CR-only files */
                saw_newline = 1;
            i++;
            continue;
        }
        Py_ssize_t off = i;
        while (i < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        PyObject *chunk = PyUnicode_Substring(text, off, i);
        if (chunk == NULL)
            goto fail;
        PyObject *pieces = PyDict_GetItemWithError(cache, chunk); /* borrowed */
        if (pieces != NULL) {
            Py_INCREF(pieces);
        } else if (PyErr_Occurred() || (pieces = PyObject_CallOneArg(make, chunk)) == NULL ||
                   PyDict_SetItem(cache, chunk, pieces) < 0) {
            Py_DECREF(chunk);
            Py_XDECREF(pieces);
            goto fail;
        }
        Py_DECREF(chunk);
        if (!PyTuple_Check(pieces)) {
            Py_DECREF(pieces);
            PyErr_SetString(PyExc_TypeError, "token_loop: make(chunk) did not return a tuple");
            goto fail;
        }
        /* Only the chunk's first token can follow a line break (the others touch the one before). */
        if (saw_newline && PyList_GET_SIZE(L.tokens) > 0 && close_sentence(&L) < 0) {
            Py_DECREF(pieces);
            goto fail;
        }
        saw_newline = 0;
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(pieces); k++) {
            PyObject *p = PyTuple_GET_ITEM(pieces, k);
            Py_ssize_t s, e;
            if (check_piece(p, &s, &e) < 0) {
                Py_DECREF(pieces);
                goto fail;
            }
            PyObject *a[6] = {PyTuple_GET_ITEM(p, 0), PyLong_FromSsize_t(off + s), PyLong_FromSsize_t(off + e),
                              PyTuple_GET_ITEM(p, 3), PyTuple_GET_ITEM(p, 4),
                              PyLong_FromSsize_t(PyList_GET_SIZE(L.sentences))};
            PyObject *tok = NULL;
            if (a[1] != NULL && a[2] != NULL && a[5] != NULL)
                tok = PyObject_Vectorcall(token_type, a, 6, NULL);
            Py_XDECREF(a[1]);
            Py_XDECREF(a[2]);
            Py_XDECREF(a[5]);
            if (tok == NULL || PyList_Append(L.tokens, tok) < 0) {
                Py_XDECREF(tok);
                Py_DECREF(pieces);
                goto fail;
            }
            Py_DECREF(tok);
            if (PyList_GET_SIZE(L.tokens) - 1 == L.first)
                L.first_start = off + s;
            L.last_end = off + e;
            int ends = PyObject_IsTrue(PyTuple_GET_ITEM(p, 5));
            if (ends < 0 || (ends && close_sentence(&L) < 0)) {
                Py_DECREF(pieces);
                goto fail;
            }
        }
        Py_DECREF(pieces);
    }
    if (close_sentence(&L) < 0)
        goto fail;
    PyObject *out = PyTuple_Pack(2, L.tokens, L.sentences);
    Py_DECREF(L.tokens);
    Py_DECREF(L.sentences);
    return out;
fail:
    Py_XDECREF(L.tokens);
    Py_XDECREF(L.sentences);
    return NULL;
}

static PyMethodDef methods[] = {
    {"token_loop", token_loop, METH_VARARGS,
     "token_loop(text, cache, make, Token, Sentence) -> (tokens, sentences): tokenize's chunk loop"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ctokenize", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__ctokenize(void) { return PyModule_Create(&module); }
