/* Page analysis compiled: the per-word loops of terms.sentence_units, with the same
 * results as the Python code, value for value.
 *
 * - scan_words(text, split_word, special_words) is textnorm's word scan (the
 *   regex split, lower case, capital flags, hyphenated words cut into their parts)
 *   in one pass. Words holding an apostrophe, a comma, "%" or any non-ASCII
 *   character are rewritten by the Python split_word (contractions, "10,000",
 *   "percent", accents folded), so those rules live in one place. It also returns
 *   the indices of the tokens that may need a rewrite after the scan (a digit
 *   first, or one of special_words: number words, "cent"): textnorm._merge_numbers
 *   reads only those.
 * - cached_terms(norms, cache, miss) is the loop of terms.terms_of_py.
 * - block_units(...) is terms.block_units_py: a Token per word, then per sentence
 *   its windows and its pair with the previous sentence, each as a Unit. Negations
 *   are counted by the Python negs_of, called only for units that hold one.
 * - block_names(...) is pronouns.block_names_py: the names written in a block, read
 *   from its columns (each word once).
 *
 * Every rule constant (window sizes, the negation and number word sets, the
 * Token and Unit types) comes from the Python callers; none is written here.
 * Bad arguments raise TypeError or ValueError.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* ---------------------------------------------------------------- scan_words */

enum { DIGIT = 1, UPPER = 2, LOWER = 4, ALNUM = DIGIT | UPPER | LOWER };
static unsigned char cls[128];

/* The text being scanned, read at any width. */
typedef struct {
    PyObject *str;
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

/* textnorm._W ([^\W_]: what sre counts as a word character, less "_") and \d. */
static inline int
is_word(Py_UCS4 ch)
{
    return ch < 128 ? cls[ch] & ALNUM : Py_UNICODE_ISALNUM(ch);
}

static inline int
is_decimal(Py_UCS4 ch)
{
    return ch < 128 ? cls[ch] & DIGIT : Py_UNICODE_ISDECIMAL(ch);
}

/* textnorm._JOIN: combining marks and invisibles, inside a word wherever they are. */
static inline int
is_join(Py_UCS4 ch)
{
    return (ch >= 0x300 && ch <= 0x36f) || (ch >= 0x200b && ch <= 0x200d) || ch == 0x2060 || ch == 0xad;
}

typedef struct {
    PyObject *norms, *starts, *ends, *caps, *specials;
    PyObject *special_words;
} Columns;

static int
append_new(PyObject *list, PyObject *item)  /* steals item */
{
    if (item == NULL)
        return -1;
    int rc = PyList_Append(list, item);
    Py_DECREF(item);
    return rc;
}

/* One token: its norm (stolen), span and capital flag. */
static int
emit(Columns *c, PyObject *norm, Py_ssize_t start, Py_ssize_t end, int cap, int digit_first)
{
    if (norm == NULL)
        return -1;
    Py_ssize_t index = PyList_GET_SIZE(c->norms);
    int first = digit_first ? 1 : PySet_Contains(c->special_words, norm);
    if (first < 0) {
        Py_DECREF(norm);
        return -1;
    }
    if (append_new(c->norms, norm) < 0
            || append_new(c->starts, PyLong_FromSsize_t(start)) < 0
            || append_new(c->ends, PyLong_FromSsize_t(end)) < 0
            || PyList_Append(c->caps, cap ? Py_True : Py_False) < 0)
        return -1;
    return first ? append_new(c->specials, PyLong_FromSsize_t(index)) : 0;
}

/* The tokens of one word, or of one part of a hyphenated word: text[start:end]. */
static int
emit_piece(Columns *c, const Text *t, Py_ssize_t start, Py_ssize_t end, PyObject *split_word)
{
    Py_UCS4 first = AT(t, start);
    int cap = first < 128 ? (cls[first] & UPPER) != 0 : Py_UNICODE_ISUPPER(first) != 0;
    int plain = 1;
    for (Py_ssize_t i = start; i < end && plain; i++) {
        Py_UCS4 ch = AT(t, i);
        plain = ch < 128 && ch != '\'' && ch != ',' && ch != '%';
    }
    if (plain) {  /* ASCII letters, digits and dots: lower case is the whole rewrite */
        PyObject *norm = PyUnicode_New(end - start, 127);
        if (norm == NULL)
            return -1;
        Py_UCS1 *d = PyUnicode_1BYTE_DATA(norm);
        for (Py_ssize_t i = start; i < end; i++) {
            Py_UCS4 ch = AT(t, i);
            *d++ = (Py_UCS1)((cls[ch] & UPPER) ? ch | 0x20 : ch);
        }
        return emit(c, norm, start, end, cap, (cls[first] & DIGIT) != 0);
    }
    PyObject *raw = PyUnicode_Substring(t->str, start, end);
    if (raw == NULL)
        return -1;
    PyObject *forms = PyObject_CallOneArg(split_word, raw);
    Py_DECREF(raw);
    if (forms == NULL)
        return -1;
    PyObject *seq = PySequence_Tuple(forms);
    Py_DECREF(forms);
    if (seq == NULL)
        return -1;
    int rc = 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(seq) && rc == 0; k++) {
        PyObject *form = PyTuple_GET_ITEM(seq, k);
        if (!PyUnicode_Check(form)) {
            PyErr_SetString(PyExc_TypeError, "split_word must return str forms");
            rc = -1;
        } else if (PyUnicode_GET_LENGTH(form)) {  /* an empty form is no token */
            Py_INCREF(form);
            rc = emit(c, form, start, end, cap, Py_UNICODE_ISDIGIT(PyUnicode_READ_CHAR(form, 0)));
        }
    }
    Py_DECREF(seq);
    return rc;
}

PyDoc_STRVAR(scan_words_doc,
"scan_words(text, split_word, special_words) -> (norms, starts, ends, caps, specials)\n\n"
"The words of a text as textnorm scans them, before numbers are merged, and the\n"
"indices of the tokens that start with a digit or are special words.");

static PyObject *
scan_words(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyCallable_Check(args[1]) || !PyAnySet_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "scan_words(text: str, split_word: callable, special_words: set)");
        return NULL;
    }
    PyObject *split_word = args[1];
    Text t = {args[0], PyUnicode_KIND(args[0]), PyUnicode_DATA(args[0]), PyUnicode_GET_LENGTH(args[0])};
    Columns c = {PyList_New(0), PyList_New(0), PyList_New(0), PyList_New(0), PyList_New(0), args[2]};
    PyObject *result = NULL;
    if (c.norms == NULL || c.starts == NULL || c.ends == NULL || c.caps == NULL || c.specials == NULL)
        goto done;
    Py_ssize_t n = t.n;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 ch = AT(&t, i);
        if (!is_word(ch)) {
            if (ch == '%' && emit_piece(&c, &t, i, i + 1, split_word) < 0)
                goto done;
            i++;
            continue;
        }
        /* textnorm._WORD_RE (_ASCII_WORD_RE on ASCII text): word characters and
         * joining marks, and one of ' \u2019 . - before a word character or a comma
         * before a digit. */
        Py_ssize_t j = i + 1;
        int hyphens = 0;
        while (j < n) {
            Py_UCS4 cj = AT(&t, j);
            if (is_word(cj) || is_join(cj)) {
                j++;
            } else if (j + 1 < n && (((cj == '\'' || cj == 0x2019 || cj == '.' || cj == '-') && is_word(AT(&t, j + 1)))
                                     || (cj == ',' && is_decimal(AT(&t, j + 1))))) {
                hyphens |= cj == '-';
                j += 2;
            } else {
                break;
            }
        }
        if (!hyphens) {
            if (emit_piece(&c, &t, i, j, split_word) < 0)
                goto done;
        } else {  /* textnorm._hyphenated: each part its own tokens and span */
            for (Py_ssize_t a = i, b = i; b <= j; b++) {
                if (b == j || AT(&t, b) == '-') {
                    if (b > a && emit_piece(&c, &t, a, b, split_word) < 0)
                        goto done;
                    a = b + 1;
                }
            }
        }
        i = j;
    }
    result = PyTuple_Pack(5, c.norms, c.starts, c.ends, c.caps, c.specials);
done:
    Py_XDECREF(c.norms);
    Py_XDECREF(c.starts);
    Py_XDECREF(c.ends);
    Py_XDECREF(c.caps);
    Py_XDECREF(c.specials);
    return result;
}

/* ---------------------------------------------------------------- block_units */

static PyObject *s_space, *s_bar, *s_empty;  /* " ", "|", "" */

typedef struct {
    PyObject *unit_type, *negations, *negs_of, *no_negs;
    PyObject *tokens;           /* list of Token, owned */
    PyObject *const *norms;     /* items of the tuples below */
    PyObject *const *terms;
    const char *caps;           /* truth of each cap */
} Block;

/* str.isdigit() */
static int
is_digit_str(PyObject *u)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(u);
    int kind = PyUnicode_KIND(u);
    const void *data = PyUnicode_DATA(u);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, i)))
            return 0;
    return n > 0;
}

/* A list of the items of `items` in the ranges [a0, b0) then [a1, b1). */
static PyObject *
gather(PyObject *const *items, Py_ssize_t a0, Py_ssize_t b0, Py_ssize_t a1, Py_ssize_t b1)
{
    PyObject *list = PyList_New((b0 - a0) + (b1 - a1));
    if (list == NULL)
        return NULL;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = a0; i < b0; i++, k++)
        PyList_SET_ITEM(list, k, Py_NewRef(items[i]));
    for (Py_ssize_t i = a1; i < b1; i++, k++)
        PyList_SET_ITEM(list, k, Py_NewRef(items[i]));
    return list;
}

/* terms._unit over the tokens [a0, b0) + [a1, b1) of the block. */
static PyObject *
make_unit(Block *x, Py_ssize_t a0, Py_ssize_t b0, Py_ssize_t a1, Py_ssize_t b1, PyObject *sent)
{
    PyObject *wall = NULL;  /* a pair's: the first token of its second sentence */
    PyObject *tokens = NULL, *terms = NULL, *norms = NULL, *names_list = NULL, *names = NULL;
    PyObject *negs = NULL, *key = NULL, *termset = NULL, *unit = NULL;
    PyObject *const *all_tokens = &PyList_GET_ITEM(x->tokens, 0);
    if ((tokens = gather(all_tokens, a0, b0, a1, b1)) == NULL
            || (terms = gather(x->terms, a0, b0, a1, b1)) == NULL
            || (norms = gather(x->norms, a0, b0, a1, b1)) == NULL
            || (names_list = PyList_New(0)) == NULL)
        goto done;
    int negated = 0, atomic = 1;   /* atomic: every term an exact str or None */
    for (int part = 0; part < 2; part++) {
        Py_ssize_t lo = part ? a1 : a0, hi = part ? b1 : b0;
        for (Py_ssize_t i = lo; i < hi; i++) {
            PyObject *t = x->terms[i];
            atomic &= t == Py_None || PyUnicode_CheckExact(t);
            if (x->caps[i] && t != Py_None) {
                if (!PyUnicode_Check(t)) {
                    PyErr_SetString(PyExc_TypeError, "terms must be str or None");
                    goto done;
                }
                if (!is_digit_str(t) && PyList_Append(names_list, t) < 0)
                    goto done;
            }
            if (!negated) {
                negated = PySet_Contains(x->negations, x->norms[i]);
                if (negated < 0)
                    goto done;
            }
        }
    }
    if ((names = PyFrozenSet_New(names_list)) == NULL)
        goto done;
    /* Frozensets of str and None can never be in a cycle: untracked, as the tokens, so
     * that young collections need not walk two per unit. */
    if (atomic)
        PyObject_GC_UnTrack(names);
    negs = negated ? PyObject_CallFunctionObjArgs(x->negs_of, tokens, norms, NULL) : Py_NewRef(x->no_negs);
    if (negs == NULL)
        goto done;
    key = PyUnicode_Join(s_space, norms);
    if (key != NULL && PySet_GET_SIZE(names)) {  /* key + "|" + the names, sorted */
        PyObject *sorted = PySequence_List(names);
        PyObject *joined = sorted != NULL && PyList_Sort(sorted) == 0 ? PyUnicode_Join(s_space, sorted) : NULL;
        PyObject *parts = joined != NULL ? PyTuple_Pack(3, key, s_bar, joined) : NULL;
        Py_SETREF(key, parts != NULL ? PyUnicode_Join(s_empty, parts) : NULL);
        Py_XDECREF(sorted);
        Py_XDECREF(joined);
        Py_XDECREF(parts);
    }
    if (key == NULL || (termset = PyFrozenSet_New(terms)) == NULL)
        goto done;
    if (atomic)
        PyObject_GC_UnTrack(termset);
    if (b1 > a1 && (wall = PyLong_FromSsize_t(b0 - a0)) == NULL)
        goto done;
    PyObject *fields[] = {tokens, terms, key, sent, names, negs, termset, wall};
    unit = PyObject_Vectorcall(x->unit_type, fields, wall != NULL ? 8 : 7, NULL);
done:
    Py_XDECREF(wall);
    Py_XDECREF(tokens);
    Py_XDECREF(terms);
    Py_XDECREF(norms);
    Py_XDECREF(names_list);
    Py_XDECREF(names);
    Py_XDECREF(negs);
    Py_XDECREF(key);
    Py_XDECREF(termset);
    return unit;
}

/* tuple.__new__(token_type, row) for a row of 4. Up to Python 3.13 that is the
 * type's tp_alloc and the items set, done here directly; from 3.14 a tuple also
 * caches its hash, which only CPython's own constructor initialises, so it is
 * called (slower: two more tuples per token). */
static PyObject *
new_token(PyTypeObject *token_type, PyObject *const *row)
{
#if PY_VERSION_HEX < 0x030E0000 && !defined(UNITS_PORTABLE_TOKENS)
    PyObject *token = token_type->tp_alloc(token_type, 4);
    if (token != NULL)
        for (int k = 0; k < 4; k++)
            PyTuple_SET_ITEM(token, k, Py_NewRef(row[k]));
    return token;
#else
    PyObject *items = PyTuple_Pack(4, row[0], row[1], row[2], row[3]);
    PyObject *args = items == NULL ? NULL : PyTuple_Pack(1, items);
    PyObject *token = args == NULL ? NULL : PyTuple_Type.tp_new(token_type, args, NULL);
    Py_XDECREF(items);
    Py_XDECREF(args);
    return token;
#endif
}

/* bisect.bisect_right / bisect_left over a[lo:n] (the same probes, so the same
 * answer even on unsorted input). */
static Py_ssize_t
bisect_right(const Py_ssize_t *a, Py_ssize_t n, Py_ssize_t x, Py_ssize_t lo)
{
    Py_ssize_t hi = n;
    while (lo < hi) {
        Py_ssize_t mid = ((size_t)lo + hi) / 2;
        if (x < a[mid]) hi = mid; else lo = mid + 1;
    }
    return lo;
}

static Py_ssize_t
bisect_left(const Py_ssize_t *a, Py_ssize_t n, Py_ssize_t x, Py_ssize_t lo)
{
    Py_ssize_t hi = n;
    while (lo < hi) {
        Py_ssize_t mid = ((size_t)lo + hi) / 2;
        if (a[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static int
as_offsets(PyObject *list, Py_ssize_t *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
        if (out[i] == -1 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* The pair of ints (a, b) of one sentence span. */
static int
span_of(PyObject *span, Py_ssize_t *a, Py_ssize_t *b)
{
    if (!PyTuple_Check(span) || PyTuple_GET_SIZE(span) != 2) {
        PyErr_SetString(PyExc_TypeError, "spans must be (start, end) tuples");
        return -1;
    }
    *a = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
    if (*a == -1 && PyErr_Occurred())
        return -1;
    *b = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
    return *b == -1 && PyErr_Occurred() ? -1 : 0;
}

PyDoc_STRVAR(block_units_doc,
"block_units(norms, starts, ends, caps, terms, spans, Token, Unit, negations, negs_of,\n"
"            no_negs, window_words, window_step, pair_words) -> (units, tokens, sentences)\n\n"
"What terms.block_units_py gives for the same columns and sentence spans.");

static PyObject *
block_units(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 14) {
        PyErr_SetString(PyExc_TypeError, "block_units takes 14 arguments");
        return NULL;
    }
    PyObject *spans = args[5];
    PyTypeObject *token_type = (PyTypeObject *)args[6];
    Py_ssize_t size, step, pair_words;
    if ((size = PyLong_AsSsize_t(args[11])) == -1 && PyErr_Occurred())
        return NULL;
    if ((step = PyLong_AsSsize_t(args[12])) == -1 && PyErr_Occurred())
        return NULL;
    if ((pair_words = PyLong_AsSsize_t(args[13])) == -1 && PyErr_Occurred())
        return NULL;
    for (int k = 0; k < 5; k++)
        if (!PyList_Check(args[k])) {
            PyErr_SetString(PyExc_TypeError, "the columns must be lists");
            return NULL;
        }
    Py_ssize_t n = PyList_GET_SIZE(args[0]);
    for (int k = 1; k < 5; k++)
        if (PyList_GET_SIZE(args[k]) != n) {
            PyErr_SetString(PyExc_ValueError, "the columns must have one length");
            return NULL;
        }
    if (!PyList_Check(spans) || !PyType_Check(args[6]) || !PyType_IsSubtype(token_type, &PyTuple_Type)
            || !PyAnySet_Check(args[8]) || !PyCallable_Check(args[7]) || !PyCallable_Check(args[9])) {
        PyErr_SetString(PyExc_TypeError, "block_units: bad spans, Token, Unit, negations or negs_of");
        return NULL;
    }
    if (size < 1 || step < 1) {
        PyErr_SetString(PyExc_ValueError, "window_words and window_step must be positive");
        return NULL;
    }
    Block x = {args[7], args[8], args[9], args[10], NULL, NULL, NULL, NULL};
    PyObject *norms = NULL, *terms = NULL, *units = NULL, *sentences = NULL, *result = NULL;
    Py_ssize_t *starts = NULL, *ends = NULL;
    char *caps = NULL;
    /* Tuples: the callbacks cannot change what is read below. */
    if ((norms = PySequence_Tuple(args[0])) == NULL || (terms = PySequence_Tuple(args[4])) == NULL
            || (x.tokens = PyList_New(n)) == NULL || (units = PyList_New(0)) == NULL
            || (sentences = PyList_New(0)) == NULL)
        goto done;
    starts = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    ends = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    caps = PyMem_Malloc(n + 1);
    if (starts == NULL || ends == NULL || caps == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    x.norms = &PyTuple_GET_ITEM(norms, 0);
    x.terms = &PyTuple_GET_ITEM(terms, 0);
    x.caps = caps;
    for (Py_ssize_t i = 0; i < n; i++) {  /* the tokens, as tuple.__new__(Token, row) */
        PyObject *row[4] = {x.norms[i], PyList_GET_ITEM(args[1], i), PyList_GET_ITEM(args[2], i),
                            PyList_GET_ITEM(args[3], i)};
        PyObject *token = new_token(token_type, row);
        if (token == NULL)
            goto done;
        int atomic = 1;
        for (int k = 0; k < 4; k++)
            atomic &= PyUnicode_CheckExact(row[k]) || PyLong_CheckExact(row[k]) || PyBool_Check(row[k]);
        if (atomic)  /* holds no container: it cannot be in a cycle (gc untracks such tuples too) */
            PyObject_GC_UnTrack(token);
        PyList_SET_ITEM(x.tokens, i, token);
        int cap = PyObject_IsTrue(row[3]);
        if (cap < 0)
            goto done;
        caps[i] = (char)cap;
    }
    if (as_offsets(args[1], starts, n) < 0 || as_offsets(args[2], ends, n) < 0)
        goto done;
    Py_ssize_t k = 0, pa = 0, pb = 0;
    PyObject *p_start = NULL;  /* borrowed from spans, alive while they are */
    PyObject *span_list = PySequence_Tuple(spans);
    if (span_list == NULL)
        goto done;
    for (Py_ssize_t s = 0; s < PyTuple_GET_SIZE(span_list); s++) {
        PyObject *span = PyTuple_GET_ITEM(span_list, s);
        Py_ssize_t a, b;
        if (span_of(span, &a, &b) < 0)
            goto spans_done;
        k = bisect_right(ends, n, a, k);
        Py_ssize_t j = bisect_left(starts, n, b, k);
        if (j == k)
            continue;
        Py_ssize_t words = j - k;  /* sentences.windows(words, size, step) */
        for (Py_ssize_t wa = 0; ; wa += step) {
            Py_ssize_t lo = words <= size ? 0 : wa < words - size ? wa : words - size;
            Py_ssize_t hi = words <= size ? words : lo + size;
            if (append_new(units, make_unit(&x, k + lo, k + hi, 0, 0, span)) < 0)
                goto spans_done;
            if (hi == words)
                break;
        }
        if (pb > pa && (pb - pa) + words <= pair_words) {
            PyObject *sent = Py_BuildValue("(On)", p_start, b);
            if (sent == NULL || append_new(units, make_unit(&x, pa, pb, k, j, sent)) < 0) {
                Py_XDECREF(sent);
                goto spans_done;
            }
            Py_DECREF(sent);
        }
        pa = k;
        pb = j;
        p_start = PyTuple_GET_ITEM(span, 0);
        if (append_new(sentences, Py_BuildValue("(nnO)", k, j, p_start)) < 0)
            goto spans_done;
        k = j;
    }
    result = PyTuple_Pack(3, units, x.tokens, sentences);
spans_done:
    Py_DECREF(span_list);
done:
    Py_XDECREF(norms);
    Py_XDECREF(terms);
    Py_XDECREF(x.tokens);
    Py_XDECREF(units);
    Py_XDECREF(sentences);
    PyMem_Free(starts);
    PyMem_Free(ends);
    PyMem_Free(caps);
    return result;
}

/* ---------------------------------------------------------------- cached_terms */

PyDoc_STRVAR(cached_terms_doc,
"cached_terms(norms, cache, miss) -> list\n\n"
"terms.terms_of_py: cache[w] for each word w, miss(w) where the cache has none.");

static PyObject *
cached_terms(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[0]) || !PyDict_CheckExact(args[1]) || !PyCallable_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "cached_terms(norms: list, cache: dict, miss: callable)");
        return NULL;
    }
    PyObject *words = PySequence_Tuple(args[0]);  /* miss() cannot change what is read */
    if (words == NULL)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(words);
    PyObject *terms = PyList_New(n);
    for (Py_ssize_t i = 0; terms != NULL && i < n; i++) {
        PyObject *word = PyTuple_GET_ITEM(words, i);
        PyObject *term = PyDict_GetItemWithError(args[1], word);  /* borrowed */
        if (term != NULL)
            Py_INCREF(term);
        else if (!PyErr_Occurred())
            term = PyObject_CallOneArg(args[2], word);
        if (term == NULL)
            Py_CLEAR(terms);
        else
            PyList_SET_ITEM(terms, i, term);
    }
    Py_DECREF(words);
    return terms;
}

/* ---------------------------------------------------------------- block_names */

PyDoc_STRVAR(block_names_doc,
"block_names(tokens, terms, starts, caps, sentences) -> list or None\n\n"
"pronouns.block_names_py over a block's columns: the runs of capitalised name words\n"
"inside its sentences (not a sentence's first word), each a tuple of its tokens; None\n"
"when a sentence starts inside a word.");

/* One (first token, end token, start offset) row of sentences. */
static int
sentence_row(PyObject *row, Py_ssize_t *k, Py_ssize_t *j, Py_ssize_t *a)
{
    if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 3) {
        PyErr_SetString(PyExc_TypeError, "sentences must be (first, end, start) tuples");
        return -1;
    }
    Py_ssize_t *out[3] = {k, j, a};
    for (int i = 0; i < 3; i++) {
        *out[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, i));
        if (*out[i] == -1 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* Append tuple(*run) to out and empty run. */
static int
close_run(PyObject *out, PyObject **run)
{
    if (append_new(out, PyList_AsTuple(*run)) < 0)
        return -1;
    Py_SETREF(*run, PyList_New(0));
    return *run == NULL ? -1 : 0;
}

static PyObject *
block_names(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "block_names takes 5 arguments");
        return NULL;
    }
    for (int a = 0; a < 5; a++)
        if (!PyList_Check(args[a])) {
            PyErr_SetString(PyExc_TypeError, "block_names: the columns and sentences must be lists");
            return NULL;
        }
    PyObject *tokens = args[0], *terms = args[1], *caps = args[3];
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    if (PyList_GET_SIZE(terms) != n || PyList_GET_SIZE(args[2]) != n || PyList_GET_SIZE(caps) != n) {
        PyErr_SetString(PyExc_ValueError, "the columns must have one length");
        return NULL;
    }
    /* Tuples: nothing called below can change what is read. */
    PyObject *sentences = PySequence_Tuple(args[4]);
    Py_ssize_t *starts = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    PyObject *out = PyList_New(0), *run = PyList_New(0), *result = NULL;
    if (sentences == NULL || starts == NULL || out == NULL || run == NULL) {
        if (starts == NULL)
            PyErr_NoMemory();
        goto done;
    }
    if (as_offsets(args[2], starts, n) < 0)
        goto done;
    Py_ssize_t ns = PyTuple_GET_SIZE(sentences), r = 0, k = 0, j = 0, a, last = -1;
    for (Py_ssize_t s = 0; s < ns; s++) {   /* each sentence starts at a word */
        if (sentence_row(PyTuple_GET_ITEM(sentences, s), &k, &j, &a) < 0)
            goto done;
        if (k < 0 || k >= n) {
            PyErr_SetString(PyExc_IndexError, "a sentence's first token is out of range");
            goto done;
        }
        if (starts[k] < a) {
            result = Py_NewRef(Py_None);
            goto done;
        }
    }
    if (ns && sentence_row(PyTuple_GET_ITEM(sentences, 0), &k, &j, &a) < 0)
        goto done;
    for (Py_ssize_t p = 0; p < n; p++) {
        int cap = PyObject_IsTrue(PyList_GET_ITEM(caps, p));
        if (cap < 0)
            goto done;
        if (!cap)
            continue;
        while (p >= j && r + 1 < ns)
            if (sentence_row(PyTuple_GET_ITEM(sentences, ++r), &k, &j, &a) < 0)
                goto done;
        if (!(k < p && p < j))
            continue;   /* a sentence's first word, or between sentences */
        PyObject *term = PyList_GET_ITEM(terms, p);
        if (term == Py_None)
            continue;
        if (!PyUnicode_Check(term)) {
            PyErr_SetString(PyExc_TypeError, "terms must be str or None");
            goto done;
        }
        if (is_digit_str(term) || starts[p] == starts[p - 1])
            continue;
        if (PyList_GET_SIZE(run) && starts[p - 1] != starts[last] && close_run(out, &run) < 0)
            goto done;
        if (PyList_Append(run, PyList_GET_ITEM(tokens, p)) < 0)
            goto done;
        last = p;
    }
    if (PyList_GET_SIZE(run) && close_run(out, &run) < 0)
        goto done;
    result = Py_NewRef(out);
done:
    Py_XDECREF(sentences);
    PyMem_Free(starts);
    Py_XDECREF(out);
    Py_XDECREF(run);
    return result;
}

static PyMethodDef methods[] = {
    {"scan_words", (PyCFunction)(void (*)(void))scan_words, METH_FASTCALL, scan_words_doc},
    {"block_units", (PyCFunction)(void (*)(void))block_units, METH_FASTCALL, block_units_doc},
    {"cached_terms", (PyCFunction)(void (*)(void))cached_terms, METH_FASTCALL, cached_terms_doc},
    {"block_names", (PyCFunction)(void (*)(void))block_names, METH_FASTCALL, block_names_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "claimnotes._units",
    "Page analysis of claimnotes.textnorm and claimnotes.terms, compiled (optional; same results).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__units(void)
{
    for (int ch = 0; ch < 128; ch++)
        cls[ch] = ch >= '0' && ch <= '9' ? DIGIT : ch >= 'A' && ch <= 'Z' ? UPPER : ch >= 'a' && ch <= 'z' ? LOWER : 0;
    if (s_space == NULL && (s_space = PyUnicode_FromString(" ")) == NULL)
        return NULL;
    if (s_bar == NULL && (s_bar = PyUnicode_FromString("|")) == NULL)
        return NULL;
    if (s_empty == NULL && (s_empty = PyUnicode_FromString("")) == NULL)
        return NULL;
    return PyModule_Create(&module);
}
