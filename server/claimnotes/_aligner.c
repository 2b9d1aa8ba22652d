/* The word aligner of aligner.py compiled: align() gives the same
 * (score, first token, last token, parts) as aligner.align_py() for every call,
 * bit for bit. It is the same loop; what makes it fast is that the loop runs
 * on C arrays, that no set or dict is made but the result's, and that the Indel
 * similarity of a window is grown with the window (bit-parallel LCS) instead of
 * being recomputed from scratch.
 *
 * How results stay identical to the Python version:
 * - every float is computed with the same operations in the same order (Python
 *   floats are C doubles; `x ** y` is libm pow() after CPython's special cases);
 * - sums follow builtins.sum(): plain addition up to Python 3.11, Neumaier's
 *   compensated sum from 3.12, in the Python code's order. One sum is not: the
 *   claim weight found in the unit, which align_py adds up in the order of the
 *   set `weight.keys() & unit.termset`. Here it is added in the weights' order;
 *   when a bar is within rounding of it, that set is built and the sum redone;
 * - Indel similarity is rapidfuzz's: elements compared by hash (a one-letter
 *   string by its code point), 1.0 - (len1 + len2 - 2 * LCS) / (len1 + len2);
 * - parts are rounded as builtins.round() rounds (exactly; see round_digits).
 * Inputs outside what real units and entries hold (weights that are not plain
 * floats, terms that are not plain str, a dict subclass, ...) are handed to the
 * Python version, so that they too get its exact results or its errors.
 * The constants come from aligner.py through configure(); none is written here.
 *
 * align_units() is matcher._unit_results for a batch of units: the same loop over
 * each unit's candidate entries, reading the unit once and making a result's parts
 * only for the results it returns (see its doc).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <float.h>
#include <math.h>
#include <stdint.h>

/* Set once by configure(). */
static struct {
    int ready;
    double min_coverage, count_share, coverage_power, similarity_power;
    double missing_share, guard_factor, tolerance;
    Py_ssize_t negation_reach, negation_after;
    double round_scale;           /* 10 ** round_digits */
    PyObject *round_digits_obj;   /* the digits parts are rounded to */
    PyObject *negated;   /* terms.negated(tokens, k) */
    PyObject *fallback;  /* aligner.align_py */
} cfg;

static PyObject *round_fn;  /* builtins.round */
static PyObject *s_termset, *s_terms, *s_names, *s_negs, *s_tokens, *s_neg, *s_norm,
                *s_keys, *s_not, *s_floor, *s_coverage, *s_similarity, *s_numbers,
                *s_negation, *s_distinct, *s_claim, *s_issubset, *s_wall;

#define FALLBACK 1   /* status: let the Python version answer this call */

/* ---------------------------------------------------------------- floats */

/* builtins.sum() over floats, started from the int 0. */
typedef struct { double sum, c; int n; } PySum;

static inline void
pysum_add(PySum *s, double x)
{
    if (s->n++ == 0) {
        s->sum = 0.0 + x;
        return;
    }
#if PY_VERSION_HEX >= 0x030C0000
    double t = s->sum + x;
    if (fabs(s->sum) >= fabs(x))
        s->c += (s->sum - t) + x;
    else
        s->c += (x - t) + s->sum;
    s->sum = t;
#else
    s->sum += x;
#endif
}

static inline double
pysum_result(const PySum *s)
{
#if PY_VERSION_HEX >= 0x030C0000
    if (s->c != 0.0 && isfinite(s->c))
        return s->sum + s->c;
#endif
    return s->sum;
}

/* float.__pow__ for the cases it gives a float without an error; FALLBACK for
 * the rest (negative base, zero to a negative power, inf, nan, overflow). */
static inline int
pypow(double v, double w, double *out)
{
    if (w == 0.0) {
        *out = 1.0;
        return 0;
    }
    if (!isfinite(v) || !isfinite(w) || v < 0.0)
        return FALLBACK;
    if (v == 0.0) {
        if (w < 0.0)
            return FALLBACK;
        *out = fmod(fabs(w), 2.0) == 1.0 ? v : 0.0;
        return 0;
    }
    if (v == 1.0) {
        *out = 1.0;
        return 0;
    }
    *out = pow(v, w);
    return isfinite(*out) ? 0 : FALLBACK;
}

/* round(x, ROUND_DIGITS) of builtins, for the parts (|x| <= 1 or so), without
 * its decimal strings. CPython's round is correctly rounded: the float nearest
 * to x * 10**d rounded half-even to an integer N, divided by 10**d (strtod of
 * "Ne-d"). Here x * scale is known exactly as y + err (fma: the error of a
 * product is a float), so N is exact, ties included; N / scale is the float
 * nearest to N / 10**d, as strtod's is. FALLBACK outside the range where that
 * holds (y must have a fractional part, err must not underflow). */
static inline int
round_digits(double x, double *out)
{
    double scale = cfg.round_scale;
    double y = x * scale;
    if (!(fabs(y) < 0x1p50) || (x != 0.0 && fabs(x) < 0x1p-900))
        return FALLBACK;
    double err = fma(x, scale, -y);
    double f = floor(y);
    double half = (y - f) - 0.5;   /* exact: y - f is a multiple of ulp(y) below 1 */
    double n;
    if (half > -err)
        n = f + 1.0;
    else if (half < -err)
        n = f;
    else
        n = fmod(f, 2.0) == 0.0 ? f : f + 1.0;
    *out = copysign(n / scale, x);   /* round(-0.00001, 4) is -0.0 */
    return 0;
}

/* ---------------------------------------------------------------- terms */

/* A claim term found in the unit. */
typedef struct {
    PyObject *key;    /* a key of weight (a reference held) */
    Py_hash_t hash;
    double w;         /* weight[key] */
    int flags;        /* the guards it counts for */
    int stamp;        /* covered in the window starting at hits[stamp - 1] */
} Term;

enum { F_NAME = 1, F_NUMBER = 2, F_HEAVY = 4 };

/* An open-addressing table over the Term array: index by hash. */
typedef struct {
    Term *terms;
    int *slots;
    size_t mask;
} Table;

/* Index of the term equal to `o` (hash `h`), -1 if none, -2 on error. */
static Py_ssize_t
table_find(const Table *t, PyObject *o, Py_hash_t h)
{
    size_t i = (size_t)h & t->mask;
    while (t->slots[i] >= 0) {
        Term *term = &t->terms[t->slots[i]];
        if (term->key == o)
            return t->slots[i];
        if (term->hash == h) {
            int r = PyObject_RichCompareBool(term->key, o, Py_EQ);
            if (r < 0)
                return -2;
            if (r)
                return t->slots[i];
        }
        i = (i + 1) & t->mask;
    }
    return -1;
}

static Py_ssize_t
table_find_obj(const Table *t, PyObject *o)
{
    Py_hash_t h = PyObject_Hash(o);
    return h == -1 ? -2 : table_find(t, o, h);
}

/* str.isdigit() of an exact str. */
static int
str_isdigit(PyObject *s)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (n == 0)
        return 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (!Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, k)))
            return 0;
    return 1;
}

/* rapidfuzz's element of a sequence of str: a one-letter string is its code
 * point, any other its hash (rapidfuzz cpp_common.pxd, hash_sequence). */
static inline int
rf_symbol(PyObject *s, uint64_t *out)
{
    if (PyUnicode_GET_LENGTH(s) == 1) {
        *out = (uint64_t)PyUnicode_READ_CHAR(s, 0);
        return 0;
    }
    Py_hash_t h = PyObject_Hash(s);
    if (h == -1)
        return -1;
    *out = (uint64_t)h;
    return 0;
}

static inline Py_ssize_t
popcount64(uint64_t v)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_popcountll(v);
#else
    Py_ssize_t n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
#endif
}

/* The LCS of the claim's terms (m) and a window grown one term at a time:
 * bit-parallel (Hyyrö) for claims of at most 64 terms, where each window term
 * comes as the mask of the claim positions holding it; a DP row otherwise,
 * where it comes as its symbol. */
typedef struct {
    uint64_t bits;     /* m <= 64: Hyyrö's state; its 0 bits (of the low m) count the LCS */
    Py_ssize_t *row;   /* m > 64: row[k] = LCS of the claim's first k terms and the window */
    Py_ssize_t length;
} Lcs;

static inline void
lcs_add(Lcs *l, uint64_t mask_or_symbol, const uint64_t *esym, Py_ssize_t m)
{
    if (m <= 64) {
        uint64_t u = l->bits & mask_or_symbol;
        l->bits = (l->bits + u) | (l->bits - u);
        uint64_t low = m == 64 ? ~(uint64_t)0 : (((uint64_t)1 << m) - 1);
        l->length = popcount64(~l->bits & low);
        return;
    }
    Py_ssize_t diag = 0, *row = l->row;
    for (Py_ssize_t k = 1; k <= m; k++) {
        Py_ssize_t up = row[k];
        if (esym[k - 1] == mask_or_symbol)
            row[k] = diag + 1;
        else if (row[k - 1] > row[k])
            row[k] = row[k - 1];
        diag = up;
    }
    l->length = row[m];
}

/* ---------------------------------------------------------------- align */

typedef struct {
    double score, cov, sim, names, numbers, negation, distinct;
    Py_ssize_t i, j, n_covered;
} Best;

/* What align reads of a unit, whatever the entry: read once, so that align_units
 * aligns a unit against many entries without reading it again. Released by
 * unit_free(). The per-term arrays are filled by unit_terms(), when a call first
 * gets past the bound. */
typedef struct {
    PyObject *termset, *terms_seq, *names, *negs, *tokens;
    PyObject **uterms;        /* the unit's terms: str or None */
    Py_ssize_t n_terms, wall;  /* wall: unit.wall (a pair's second sentence), with negs */
    int has_negs, terms_read;
    Py_hash_t *hash;          /* per term: its hash */
    uint64_t *sym;            /* per term: its rapidfuzz symbol */
    signed char *not_cache;   /* per token: a negating "not" (1 or 0; -1 not known yet) */
    void *mem;
} UnitView;

/* obj.name into *out (a new reference): 0; FALLBACK when obj has no such
 * attribute (not a unit: align_py answers it); -1 on another error. */
static int
unit_attr(PyObject *obj, PyObject *name, PyObject **out)
{
    if ((*out = PyObject_GetAttr(obj, name)) != NULL)
        return 0;
    if (!PyErr_ExceptionMatches(PyExc_AttributeError))
        return -1;
    PyErr_Clear();
    return FALLBACK;
}

static void
unit_free(UnitView *v)
{
    Py_XDECREF(v->termset);
    Py_XDECREF(v->terms_seq);
    Py_XDECREF(v->names);
    Py_XDECREF(v->negs);
    Py_XDECREF(v->tokens);
    PyMem_Free(v->mem);
}

/* 0, -1 on error, or FALLBACK for a unit the compiled loop does not take. */
static int
unit_init(UnitView *v, PyObject *unit)
{
    PyObject *names;
    int r;
    if ((r = unit_attr(unit, s_termset, &v->termset)) || (r = unit_attr(unit, s_terms, &v->terms_seq))
        || (r = unit_attr(unit, s_names, &names)) || (r = unit_attr(unit, s_negs, &v->negs)))
        return r;
    v->names = PySequence_Tuple(names);   /* iterated once per entry */
    Py_DECREF(names);
    if (v->names == NULL)
        return -1;
    if ((!PyFrozenSet_CheckExact(v->termset) && !PySet_CheckExact(v->termset))
        || (!PyList_CheckExact(v->terms_seq) && !PyTuple_CheckExact(v->terms_seq)))
        return FALLBACK;
    if ((v->has_negs = PyObject_IsTrue(v->negs)) < 0)
        return -1;
    if (v->has_negs) {
        if (!PyList_CheckExact(v->negs))
            return FALLBACK;
        if ((r = unit_attr(unit, s_tokens, &v->tokens)))
            return r;
        PyObject *wall;
        if ((r = unit_attr(unit, s_wall, &wall)))
            return r;
        v->wall = PyLong_AsSsize_t(wall);
        Py_DECREF(wall);
        if (v->wall == -1 && PyErr_Occurred())
            return -1;
    }
    v->uterms = PySequence_Fast_ITEMS(v->terms_seq);
    v->n_terms = PySequence_Fast_GET_SIZE(v->terms_seq);
    v->mem = PyMem_Malloc((sizeof(Py_hash_t) + sizeof(uint64_t)) * v->n_terms + v->n_terms + 1);
    if (v->mem == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    v->hash = (Py_hash_t *)v->mem;
    v->sym = (uint64_t *)(v->hash + v->n_terms);
    v->not_cache = (signed char *)(v->sym + v->n_terms);
    memset(v->not_cache, 0xff, v->n_terms + 1);
    return 0;
}

/* Each term's hash and rapidfuzz symbol: 0, -1, or FALLBACK (a term that is
 * neither a str nor None). */
static int
unit_terms(UnitView *v)
{
    if (v->terms_read)
        return 0;
    for (Py_ssize_t p = 0; p < v->n_terms; p++) {
        PyObject *t = v->uterms[p];
        if (t == Py_None)
            continue;
        if (!PyUnicode_CheckExact(t))
            return FALLBACK;
        if ((v->hash[p] = PyObject_Hash(t)) == -1 || rf_symbol(t, &v->sym[p]) < 0)
            return -1;
    }
    v->terms_read = 1;
    return 0;
}

/* What one entry's call holds; released by call_free(). */
typedef struct {
    PyObject *entry_terms, *entry_names;
    void *mem;           /* starts with the Term array */
    Py_ssize_t n_keys_held;
} Call;

static void
call_free(Call *c)
{
    for (Py_ssize_t k = 0; k < c->n_keys_held; k++)
        Py_DECREF(((Term *)c->mem)[k].key);
    Py_XDECREF(c->entry_terms);
    Py_XDECREF(c->entry_names);
    PyMem_Free(c->mem);
}

/* PySequence_Fast(obj.name): a list or tuple, new reference; NULL on error. */
static PyObject *
fast_attr(PyObject *obj, PyObject *name)
{
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v == NULL)
        return NULL;
    PyObject *seq = PySequence_Fast(v, "expected a sequence");
    Py_DECREF(v);
    return seq;
}

/* negs[k] as a C integer; FALLBACK if out of range or not an int. */
static int
neg_count(PyObject *negs, Py_ssize_t k, long long *out)
{
    if (k < 0 || k >= PyList_GET_SIZE(negs))
        return FALLBACK;
    PyObject *v = PyList_GET_ITEM(negs, k);
    if (!PyLong_Check(v))
        return FALLBACK;
    int overflow;
    *out = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow)
        return FALLBACK;
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

/* `unit.tokens[k].norm == "not" and negated(unit.tokens, k)`, cached per k. */
static int
not_after(PyObject *tokens, Py_ssize_t k, signed char *cache)
{
    if (cache[k] >= 0)
        return cache[k];
    PyObject *tok = PySequence_GetItem(tokens, k);
    if (tok == NULL)
        return -1;
    PyObject *norm = PyObject_GetAttr(tok, s_norm);
    Py_DECREF(tok);
    if (norm == NULL)
        return -1;
    int r = PyObject_RichCompareBool(norm, s_not, Py_EQ);
    Py_DECREF(norm);
    if (r > 0) {
        PyObject *pk = PyLong_FromSsize_t(k);
        if (pk == NULL)
            return -1;
        PyObject *res = PyObject_CallFunctionObjArgs(cfg.negated, tokens, pk, NULL);
        Py_DECREF(pk);
        if (res == NULL)
            return -1;
        r = PyObject_IsTrue(res);
        Py_DECREF(res);
    }
    if (r < 0)
        return -1;
    return cache[k] = (signed char)r;
}

/* The terms the guards look at, marked in the table: the claim's numbers, its
 * heavy words (MISSING_SHARE) and the entry's names. One not in the unit can
 * never be covered (its guard always fails). */
typedef struct {
    int numbers_missing, heavy_missing, names_missing, has_heavy, other_names;
    Py_ssize_t n_numbers, n_heavy, n_names;
} Guards;

static int
guard_terms(Table *table, const UnitView *u, PyObject *entry, PyObject *weight, double total, Call *c, Guards *g)
{
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    double heavy_w = cfg.missing_share * total;
    while (PyDict_Next(weight, &pos, &k, &v)) {
        int number = str_isdigit(k), heavy = PyFloat_AS_DOUBLE(v) > heavy_w;
        g->has_heavy |= heavy;
        if (!number && !heavy)
            continue;
        Py_ssize_t f = table_find_obj(table, k);
        if (f == -2)
            return -1;
        if (f < 0) {   /* not in the unit */
            g->numbers_missing |= number;
            g->heavy_missing |= heavy;
            continue;
        }
        Term *t = &table->terms[f];
        if (number && !(t->flags & F_NUMBER)) {
            t->flags |= F_NUMBER;
            g->n_numbers++;
        }
        if (heavy && !(t->flags & F_HEAVY)) {
            t->flags |= F_HEAVY;
            g->n_heavy++;
        }
    }
    /* other_names = bool(unit.names - weight.keys()) */
    PyObject *name;
    for (Py_ssize_t n = 0; !g->other_names && n < PyTuple_GET_SIZE(u->names); n++) {
        int r = PyDict_Contains(weight, PyTuple_GET_ITEM(u->names, n));
        if (r < 0)
            return -1;
        g->other_names = !r;
    }
    if ((c->entry_names = fast_attr(entry, s_names)) == NULL)
        return -1;
    for (Py_ssize_t n = 0; n < PySequence_Fast_GET_SIZE(c->entry_names); n++) {
        name = PySequence_Fast_ITEMS(c->entry_names)[n];
        if (!PyUnicode_CheckExact(name))
            return FALLBACK;
        Py_ssize_t f = table_find_obj(table, name);
        if (f == -2)
            return -1;
        if (f < 0)
            g->names_missing = 1;
        else if (!(table->terms[f].flags & F_NAME)) {
            table->terms[f].flags |= F_NAME;
            g->n_names++;
        }
    }
    return 0;
}

/* align_py's neg_span for the window i..j of a unit with negations: the parity
 * of the negations in it and in the NEGATION_REACH words before it, flipped by
 * each plain "not" in the NEGATION_AFTER words after it; neither reach crosses a
 * pair's wall from the window's side. */
static int
window_negated(UnitView *u, Py_ssize_t i, Py_ssize_t j, int *out)
{
    long long a, b;
    Py_ssize_t reach = i - cfg.negation_reach > 0 ? i - cfg.negation_reach : 0;
    if (i >= u->wall && u->wall > reach)
        reach = u->wall;
    int r = neg_count(u->negs, j + 1, &a);
    if (r == 0)
        r = neg_count(u->negs, reach, &b);
    if (r)
        return r;
    int neg = (a - b) % 2 != 0;
    Py_ssize_t stop = j + 1 + cfg.negation_after;
    if (stop > u->n_terms)
        stop = u->n_terms;
    if (j < u->wall && stop > u->wall)
        stop = u->wall;
    for (Py_ssize_t k = j + 1; k < stop; k++) {
        int flip = not_after(u->tokens, k, u->not_cache);
        if (flip < 0)
            return -1;
        neg ^= flip;
    }
    *out = neg;
    return 0;
}

/* sum(weight[t] for t in weight.keys() & termset), in that set's order, as
 * align_py computes its present weight. */
static int
present_weight_exact(PyObject *weight, PyObject *termset, double *out)
{
    PyObject *keys = PyObject_CallMethodNoArgs(weight, s_keys);
    if (keys == NULL)
        return -1;
    PyObject *present = PyNumber_And(keys, termset);
    Py_DECREF(keys);
    if (present == NULL)
        return -1;
    PyObject *it = PyObject_GetIter(present);
    Py_DECREF(present);
    if (it == NULL)
        return -1;
    PySum sum = {0};
    PyObject *key;
    while ((key = PyIter_Next(it)) != NULL) {
        PyObject *v = PyDict_GetItemWithError(weight, key);  /* a plain float (checked) */
        Py_DECREF(key);
        if (v == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_KeyError, "a present term left the weights");
            Py_DECREF(it);
            return -1;
        }
        pysum_add(&sum, PyFloat_AS_DOUBLE(v));
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return -1;
    *out = pysum_result(&sum);
    return 0;
}

/* align_py's score bound: 100 * (present_w / total) ** COVERAGE_POWER
 * * sim_max ** SIMILARITY_POWER, times GUARD_FACTOR for each guard that fails in
 * every window (a claim word it needs is not in the unit); FALLBACK where a power
 * is not a plain float. */
static int
score_bound(double present_w, double total, double sim_max, const Guards *gd, double *out)
{
    double p_cov, p_sim;
    if (pypow(present_w / total, cfg.coverage_power, &p_cov) || pypow(sim_max, cfg.similarity_power, &p_sim))
        return FALLBACK;
    *out = 100.0 * p_cov * p_sim;
    if (gd->other_names && gd->names_missing)
        *out *= cfg.guard_factor;
    if (gd->numbers_missing)
        *out *= cfg.guard_factor;
    if (gd->has_heavy && gd->heavy_missing)
        *out *= cfg.guard_factor;
    return 0;
}

/* The parts dict of a result, in align_py's order. */
static PyObject *
parts_of(const Best *best)
{
    PyObject *parts = PyDict_New();
    if (parts == NULL)
        return NULL;
    struct { PyObject *key; double v; int rounded; } fields[] = {
        {s_coverage, best->cov, 1}, {s_similarity, best->sim, 1}, {s_names, best->names, 0},
        {s_numbers, best->numbers, 0}, {s_negation, best->negation, 0}, {s_distinct, best->distinct, 0},
        {s_terms, (double)best->n_covered, 0},
    };
    for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
        double r = fields[f].v;
        PyObject *v;
        if (fields[f].rounded && round_digits(fields[f].v, &r)) {
            PyObject *args[2] = {PyFloat_FromDouble(fields[f].v), cfg.round_digits_obj};
            v = args[0] ? PyObject_Vectorcall(round_fn, args, 2, NULL) : NULL;
            Py_XDECREF(args[0]);
        }
        else
            v = PyFloat_FromDouble(r);
        if (v == NULL || PyDict_SetItem(parts, fields[f].key, v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(parts);
            return NULL;
        }
        Py_DECREF(v);
    }
    return parts;
}

/* (score, i, j, parts), as align_py returns it. */
static PyObject *
result_of(const Best *best)
{
    PyObject *parts = parts_of(best);
    return parts == NULL ? NULL : Py_BuildValue("(dnnN)", best->score, best->i, best->j, parts);
}

/* align_py for one entry against a unit read by unit_init(): 0 with *found set
 * (and *best when found), -1 on error, or FALLBACK. */
static int
align_view(UnitView *u, PyObject *entry, PyObject *weight, double floor, Best *out, int *found)
{
    Call c = {0};
    int status = -1;
    *found = 0;

    /* present = weight.keys() & unit.termset, found from the (few) claim terms. */
    PyObject *termset = u->termset;
    Py_ssize_t n_keys = PyDict_GET_SIZE(weight);
    if ((c.entry_terms = fast_attr(entry, s_terms)) == NULL)
        goto done;
    Py_ssize_t m = PySequence_Fast_GET_SIZE(c.entry_terms);
    Py_ssize_t n_terms = u->n_terms;
    PyObject **eterms = PySequence_Fast_ITEMS(c.entry_terms);
    PyObject **uterms = u->uterms;

    /* One block for every array of the call. */
    size_t cap = 8;
    while (cap < 2 * (size_t)n_keys)
        cap <<= 1;
    size_t bytes = sizeof(Term) * n_keys + sizeof(int) * cap
                   + sizeof(uint64_t) * (m + n_terms)          /* symbols, masks */
                   + sizeof(Py_ssize_t) * 2 * n_terms          /* term index, hits */
                   + sizeof(Py_ssize_t) * (m + 1);             /* LCS row (long claims) */
    if ((c.mem = PyMem_Malloc(bytes)) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Term *terms = (Term *)c.mem;
    int *slots = (int *)(terms + n_keys);
    uint64_t *esym = (uint64_t *)(slots + cap);
    uint64_t *umask = esym + m;             /* per unit position: its match mask (m <= 64) */
    Py_ssize_t *tidx = (Py_ssize_t *)(umask + n_terms);  /* present index, -1 none, -2 None */
    Py_ssize_t *hits = tidx + n_terms;
    Py_ssize_t *row = hits + n_terms;
    memset(slots, 0xff, sizeof(int) * cap);
    Table table = {terms, slots, cap - 1};

    /* total = sum(weight.values()) (plain float weights under str keys only) and
     * the present terms with their weights. */
    PySum total_sum = {0}, present_sum = {0};
    double present_abs = 0.0;
    Py_ssize_t n_present = 0;
    {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(weight, &pos, &k, &v)) {
            if (!PyUnicode_CheckExact(k) || !PyFloat_CheckExact(v) || !isfinite(PyFloat_AS_DOUBLE(v))) {
                status = FALLBACK;
                goto done;
            }
            double w = PyFloat_AS_DOUBLE(v);
            pysum_add(&total_sum, w);
            int r = PySet_Contains(termset, k);
            if (r < 0)
                goto done;
            if (!r)
                continue;
            Term *t = &terms[n_present];
            *t = (Term){Py_NewRef(k), PyObject_Hash(k), w, 0, 0};
            c.n_keys_held = n_present + 1;
            size_t s = (size_t)t->hash & table.mask;
            while (slots[s] >= 0)
                s = (s + 1) & table.mask;
            slots[s] = (int)n_present++;
            pysum_add(&present_sum, w);
            present_abs += fabs(w);
        }
    }
    if (n_present == 0) {
        status = 0;
        goto done;
    }
    double total = pysum_result(&total_sum);
    if (!isfinite(total)) {
        status = FALLBACK;
        goto done;
    }
    /* align_py sums the present weights in the order of its `present` set. Any
     * order gives a sum within `slack` of it; only a bar that close needs the
     * exact order. */
    double present_w = pysum_result(&present_sum);
    double slack = 4.0 * (double)(n_present + 1) * DBL_EPSILON * present_abs;
    int exact = 0;
    double tol = cfg.tolerance;
    if (total <= 0) {
        status = 0;
        goto done;
    }
    if (fabs(present_w - (cfg.min_coverage * total - tol)) <= slack) {
        if (present_weight_exact(weight, termset, &present_w) < 0)
            goto done;
        exact = 1;
    }
    if (present_w < cfg.min_coverage * total - tol) {
        status = 0;
        goto done;
    }

    /* The score bound of align_py: all present terms covered, best Indel similarity. */
    Py_ssize_t common = 0;
    for (Py_ssize_t k = 0; k < m; k++) {
        if (!PyUnicode_CheckExact(eterms[k])) {
            status = FALLBACK;
            goto done;
        }
        Py_ssize_t f = table_find_obj(&table, eterms[k]);
        if (f == -2)
            goto done;
        common += f >= 0;
        if (rf_symbol(eterms[k], &esym[k]) < 0)
            goto done;
    }
    if (m + common == 0) {
        status = FALLBACK;
        goto done;
    }
    double sim_max = 2.0 * (double)common / (double)(m + common);
    Guards gd = {0};
    int r = guard_terms(&table, u, entry, weight, total, &c, &gd);
    if (r) {
        status = r;
        goto done;
    }
    double bound;
    if (score_bound(present_w, total, sim_max, &gd, &bound)) {
        status = FALLBACK;
        goto done;
    }
    /* The bound moves with present_w by a relative (power + 1) * slack / present_w
     * at most (a few float roundings aside): a bar further than a thousand times
     * that is on the same side for any summation order. */
    if (!exact && (present_w <= 0.0 || fabs(bound - (floor - tol))
                  <= 1e3 * (fabs(cfg.coverage_power) + 1.0) * (slack / present_w + DBL_EPSILON) * fabs(bound))) {
        if (present_weight_exact(weight, termset, &present_w) < 0
            || score_bound(present_w, total, sim_max, &gd, &bound) > 0) {
            status = PyErr_Occurred() ? -1 : FALLBACK;
            goto done;
        }
    }
    if (bound < floor - tol) {
        status = 0;
        goto done;
    }

    PyObject *neg_obj = PyObject_GetAttr(entry, s_neg);
    if (neg_obj == NULL)
        goto done;
    int entry_neg = neg_obj == Py_True, neg_is_bool = entry_neg || neg_obj == Py_False;
    Py_DECREF(neg_obj);
    if (!neg_is_bool) {
        status = FALLBACK;
        goto done;
    }
    if ((r = unit_terms(u))) {
        status = r;
        goto done;
    }

    /* The unit's terms: which claim term each is, and (claims of at most 64 terms)
     * the claim positions holding its symbol. */
    const uint64_t *usym = m <= 64 ? umask : u->sym;
    Py_ssize_t n_hits = 0;
    for (Py_ssize_t p = 0; p < n_terms; p++) {
        PyObject *t = uterms[p];
        if (t == Py_None) {
            tidx[p] = -2;
            continue;
        }
        Py_ssize_t f = table_find(&table, t, u->hash[p]);
        if (f == -2)
            goto done;
        tidx[p] = f;
        if (f >= 0)
            hits[n_hits++] = p;
        if (m <= 64) {
            uint64_t mask = 0;
            for (Py_ssize_t k = 0; k < m; k++)
                mask |= (uint64_t)(esym[k] == u->sym[p]) << k;
            umask[p] = mask;
        }
    }

    double need = cfg.min_coverage * total - tol;
    double one_minus_share = 1.0 - cfg.count_share;
    double g = cfg.guard_factor;
    Best best = {0};
    int have_best = 0;
    for (Py_ssize_t x = 0; x < n_hits; x++) {
        Py_ssize_t i = hits[x];
        Py_ssize_t grown = i, n_covered = 0, names_cov = 0, numbers_cov = 0, heavy_cov = 0;
        Py_ssize_t window = 0;   /* terms in the window so far */
        double cov_w = 0.0;
        Lcs lcs = {~(uint64_t)0, row, 0};
        if (m > 64)
            memset(row, 0, sizeof(Py_ssize_t) * (m + 1));
        for (Py_ssize_t y = x; y < n_hits; y++) {
            Py_ssize_t j = hits[y];
            Term *t = &terms[tidx[j]];
            if (t->stamp == x + 1)
                continue;
            t->stamp = (int)(x + 1);
            n_covered++;
            names_cov += (t->flags & F_NAME) != 0;
            numbers_cov += (t->flags & F_NUMBER) != 0;
            heavy_cov += (t->flags & F_HEAVY) != 0;
            cov_w += t->w;
            if (cov_w < need)
                continue;
            double cov = one_minus_share * cov_w / total
                         + cfg.count_share * (double)n_covered / (double)n_keys;
            /* Grow the window (and its LCS with the claim) to j. */
            for (; grown <= j; grown++) {
                if (tidx[grown] == -2)
                    continue;
                window++;
                lcs_add(&lcs, usym[grown], esym, m);
            }
            Py_ssize_t lensum = m + window;
            double sim = 1.0 - (double)(lensum - 2 * lcs.length) / (double)lensum;
            double p1, p2;
            if (pypow(cov, cfg.coverage_power, &p1) || pypow(sim, cfg.similarity_power, &p2)) {
                status = FALLBACK;
                goto done;
            }
            double base = 100.0 * p1 * p2;
            int all_names = !gd.names_missing && names_cov == gd.n_names;
            double names = (gd.other_names && !all_names) ? g : 1.0;
            double numbers = (!gd.numbers_missing && numbers_cov == gd.n_numbers) ? 1.0 : g;
            int neg_span = 0;
            r = u->has_negs ? window_negated(u, i, j, &neg_span) : 0;
            if (r) {
                status = r;
                goto done;
            }
            double negation = neg_span == entry_neg ? 1.0 : g;
            double distinct = (gd.has_heavy && !(!gd.heavy_missing && heavy_cov == gd.n_heavy)) ? g : 1.0;
            double score = base * names * numbers * negation * distinct;
            if (!have_best || score > best.score + tol) {
                have_best = 1;
                best = (Best){score, cov, sim, names, numbers, negation, distinct, i, j, n_covered};
            }
        }
    }
    *found = have_best;
    *out = best;
    status = 0;

done:
    call_free(&c);
    return status;
}

/* The body of align(): 0 with *out set (a tuple or None), -1 on error, or
 * FALLBACK. */
static int
align_c(PyObject *unit, PyObject *entry, PyObject *weight, double floor, PyObject **out)
{
    UnitView u = {0};
    Best best = {0};
    int found = 0, status = unit_init(&u, unit);
    if (status == 0)
        status = align_view(&u, entry, weight, floor, &best, &found);
    if (status == 0 && (*out = found ? result_of(&best) : Py_NewRef(Py_None)) == NULL)
        status = -1;
    unit_free(&u);
    return status;
}

PyDoc_STRVAR(align_doc,
"align(unit, entry, weight, floor=0.0)\n--\n\n"
"Best window of ``unit`` for ``entry``: (score, first token, last token, parts).\n\n"
"None when no window can score ``floor`` or more. The compiled aligner.align_py.");

static PyObject *
align(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (!cfg.ready) {
        PyErr_SetString(PyExc_RuntimeError, "claimnotes._aligner.configure() was not called");
        return NULL;
    }
    /* The fast path takes (unit, entry, weight[, floor]), floor by position or by
     * keyword, weight an exact dict and floor an exact float or int that fits a double.
     * Any other call is align_py's to answer, with its result or its own error, so
     * both give the same for every call. */
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs >= 3 && nargs + nkw <= 4 && PyDict_CheckExact(args[2])
            && (nkw == 0 || (nkw == 1 && PyUnicode_Compare(PyTuple_GET_ITEM(kwnames, 0), s_floor) == 0))) {
        PyObject *floor_obj = nargs + nkw == 4 ? args[3] : NULL;
        double floor = 0.0;
        int fast = 1;
        if (floor_obj != NULL) {
            if (PyFloat_CheckExact(floor_obj) || PyLong_CheckExact(floor_obj)) {
                floor = PyFloat_AsDouble(floor_obj);
                if (floor == -1.0 && PyErr_Occurred()) {   /* an int too large for a double */
                    PyErr_Clear();
                    fast = 0;
                }
            } else {
                fast = 0;
            }
        }
        if (fast) {
            PyObject *out = NULL;
            int status = align_c(args[0], args[1], args[2], floor, &out);
            if (status <= 0)
                return status == 0 ? out : NULL;
        }
    }
    return PyObject_Vectorcall(cfg.fallback, args, nargs, kwnames);
}

/* ---------------------------------------------------------------- align_units */

/* One claim's best result so far in a unit (matcher._unit_results' `best`). */
typedef struct {
    PyObject *claim;
    PyObject *parts;     /* align_py's parts when it answered, else NULL (made from b) */
    Best b;              /* score, i, j (and the parts when compiled) */
} Slot;

typedef struct {
    PyObject *entries, *weights, *weights_of, *own, *own_of, *names_only_both, *threshold_obj;
    double threshold;
    PyTypeObject *entry_type;   /* the entries' type, when its fields are slots: */
    Py_ssize_t field_at[3];     /* where claim, terms and names sit in an entry */
} Batch;

enum { UNIT_UNREAD = 2 };

/* align(unit, entry, weight, floor) into *b / *parts: 0 (*found set), -1 on error.
 * The compiled loop when it takes the call, else align_py (as align() does). The
 * unit is read at its first call (*state: UNIT_UNREAD, then unit_init's status). */
static int
align_one(UnitView *u, int *state, PyObject *unit, PyObject *entry, PyObject *weight,
          double floor, PyObject *floor_obj, Best *b, PyObject **parts, int *found)
{
    *parts = NULL;
    if (*state == UNIT_UNREAD && (*state = unit_init(u, unit)) < 0)
        return -1;
    int status = *state == 0 && PyDict_CheckExact(weight)
                 ? align_view(u, entry, weight, floor, b, found) : FALLBACK;
    if (status != FALLBACK)
        return status;
    PyObject *fl = floor_obj ? Py_NewRef(floor_obj) : PyFloat_FromDouble(floor);
    if (fl == NULL)
        return -1;
    PyObject *args[4] = {unit, entry, weight, fl};
    PyObject *r = PyObject_Vectorcall(cfg.fallback, args, 4, NULL);
    Py_DECREF(fl);
    if (r == NULL)
        return -1;
    *found = r != Py_None;
    if (*found) {
        if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 4) {
            PyErr_SetString(PyExc_TypeError, "align_py returned something else than (score, i, j, parts)");
            Py_DECREF(r);
            return -1;
        }
        b->score = PyFloat_AsDouble(PyTuple_GET_ITEM(r, 0));
        b->i = PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 1));
        b->j = PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 2));
        *parts = Py_NewRef(PyTuple_GET_ITEM(r, 3));
    }
    Py_DECREF(r);
    return PyErr_Occurred() ? -1 : 0;
}

/* The rules of _unit_results that are not the aligner's: 1 if the span i..j of
 * the unit is kept, 0 if not, -1 on error. */
static int
span_kept(const Batch *bt, PyObject *unit, PyObject *claim, PyObject *weight, Py_ssize_t i, Py_ssize_t j)
{
    /* if len(weight) == 2 and i < j and _names_only_both(unit, i, j): continue */
    Py_ssize_t n_keys = PyObject_Length(weight);
    if (n_keys < 0)
        return -1;
    if (n_keys == 2 && i < j) {
        PyObject *r = PyObject_CallFunction(bt->names_only_both, "Onn", unit, i, j);
        if (r == NULL)
            return -1;
        int only = PyObject_IsTrue(r);
        Py_DECREF(r);
        if (only)
            return only < 0 ? -1 : 0;
    }
    /* needed = own.get(claim) or own_of(claim); kept unless needed is not in terms[i:j + 1] */
    PyObject *needed = PyDict_GetItemWithError(bt->own, claim);
    if (needed == NULL || needed == Py_None) {
        if (PyErr_Occurred())
            return -1;
        if ((needed = PyObject_CallOneArg(bt->own_of, claim)) == NULL)
            return -1;
        int r = PyDict_SetItem(bt->own, claim, needed);
        Py_DECREF(needed);   /* own holds it */
        if (r < 0)
            return -1;
    }
    int any = PyObject_IsTrue(needed);
    if (any <= 0)
        return any < 0 ? -1 : 1;
    Py_INCREF(needed);
    PyObject *terms = PyObject_GetAttr(unit, s_terms), *span = NULL, *r = NULL;
    if (terms != NULL && (span = PySequence_GetSlice(terms, i, j + 1)) != NULL)
        r = PyObject_CallMethodOneArg(needed, s_issubset, span);
    Py_XDECREF(terms);
    Py_XDECREF(span);
    Py_DECREF(needed);
    if (r == NULL)
        return -1;
    int kept = PyObject_IsTrue(r);
    Py_DECREF(r);
    return kept;
}

static void
slots_free(Slot *slots, Py_ssize_t n)
{
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_DECREF(slots[k].claim);
        Py_XDECREF(slots[k].parts);
    }
    PyMem_Free(slots);
}

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* At 1M claims a page's ~1,400 candidate entries lie anywhere in ~1 GB, so the loop
 * of unit_results waits for one cache miss after another as it reads each entry and
 * its weights. Fetched first, in short loops over the unit's candidates (the entries,
 * their weight dicts, then those dicts' key tables), their misses overlap: 1M claims,
 * the bench page's batch, 4.7 -> 4.2 ms. Only reads, and no Python code runs. */
static void
prefetch_candidates(const Batch *bt, PyObject *entry_ids)
{
    if (!PyList_CheckExact(entry_ids) || !PyList_CheckExact(bt->entries))
        return;
    Py_ssize_t n = PyList_GET_SIZE(entry_ids), size = PyList_GET_SIZE(bt->entries);
    PyObject **ids = &PyList_GET_ITEM(entry_ids, 0);
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t e = PyLong_CheckExact(ids[k]) ? PyLong_AsSsize_t(ids[k]) : -1;
        if (e < 0 || e >= size) {   /* not an index into entries: the loop will say so */
            PyErr_Clear();
            return;
        }
        PREFETCH(PyList_GET_ITEM(bt->entries, e));
    }
    /* Then what the loop reads of each entry next, objects of their own: its claim
     * (hashed into dicts), terms and names (tuples, a line or two each): 1M claims,
     * the bench page's batch with the caches flushed, alternated, median 4.10 -> 3.44
     * ms. The entries are read here, so their misses overlap too. */
    if (bt->entry_type != NULL)
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *entry = PyList_GET_ITEM(bt->entries, PyLong_AsSsize_t(ids[k]));
            for (int f = 0; f < 3 && Py_TYPE(entry) == bt->entry_type; f++) {
                const char *field = *(const char **)((char *)entry + bt->field_at[f]);
                if (field != NULL) {   /* an unset slot */
                    PREFETCH(field);
                    PREFETCH(field + 64);
                }
            }
        }
    for (int pass = 0; pass < 2; pass++)
        for (Py_ssize_t k = 0; k < n; k++) {
            PyObject *w = PyDict_GetItemWithError(bt->weights, ids[k]);   /* exact ints: no Python code */
            if (w == NULL)
                PyErr_Clear();
            else if (pass == 0)
                PREFETCH(w);
            else if (PyDict_CheckExact(w)) {
                const char *keys = (const char *)((PyDictObject *)w)->ma_keys;
                PREFETCH(keys);
                PREFETCH(keys + 64);
                PREFETCH(keys + 128);
            }
        }
}

/* bt->entry_type and field_at: the offsets of an entry's claim, terms and names, if
 * the first entry's type keeps them in slots (member descriptors), as Entry does. */
static void
entry_fields(Batch *bt)
{
    if (!PyList_CheckExact(bt->entries) || PyList_GET_SIZE(bt->entries) == 0)
        return;
    PyTypeObject *type = Py_TYPE(PyList_GET_ITEM(bt->entries, 0));
    PyObject *names[3] = {s_claim, s_terms, s_names};
    for (int f = 0; f < 3; f++) {
        PyObject *d = _PyType_Lookup(type, names[f]);   /* borrowed; no Python code */
        if (d == NULL || !Py_IS_TYPE(d, &PyMemberDescr_Type))
            return;
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type != T_OBJECT_EX && m->type != T_OBJECT)
            return;
        bt->field_at[f] = m->offset;
    }
    bt->entry_type = type;
}

/* matcher._unit_results(unit, entry_ids, ...): a new list, NULL on error. */
static PyObject *
unit_results(const Batch *bt, PyObject *unit, PyObject *entry_ids)
{
    prefetch_candidates(bt, entry_ids);
    UnitView u = {0};
    int unit_state = UNIT_UNREAD;
    PyObject *index_of = NULL, *it = NULL, *e_id = NULL, *entry = NULL, *weight = NULL, *claim = NULL,
             *parts = NULL, *out = NULL;
    Slot *slots = NULL;
    Py_ssize_t n_slots = 0, cap = 0;
    if ((index_of = PyDict_New()) == NULL || (it = PyObject_GetIter(entry_ids)) == NULL)
        goto done;
    while ((e_id = PyIter_Next(it)) != NULL) {
        if ((entry = PyObject_GetItem(bt->entries, e_id)) == NULL)
            goto done;
        if (entry == Py_None)
            goto next;
        /* weight = weights.get(e_id), or weights_of(e_id, entry) */
        weight = PyDict_GetItemWithError(bt->weights, e_id);
        if (weight != NULL && weight != Py_None)
            Py_INCREF(weight);
        else if (PyErr_Occurred()
                 || (weight = PyObject_CallFunctionObjArgs(bt->weights_of, e_id, entry, NULL)) == NULL)
            goto done;
        if ((claim = PyObject_GetAttr(entry, s_claim)) == NULL)
            goto done;
        PyObject *at = PyDict_GetItemWithError(index_of, claim);
        if (at == NULL && PyErr_Occurred())
            goto done;
        Slot *prev = at ? &slots[PyLong_AsSsize_t(at)] : NULL;
        /* Another text of a claim already found here must reach its score. */
        double floor = prev ? prev->b.score : bt->threshold;
        Best b = {0};
        int found;
        if (align_one(&u, &unit_state, unit, entry, weight, floor, prev ? NULL : bt->threshold_obj, &b, &parts, &found))
            goto done;
        if (!found || b.score < bt->threshold)
            goto next;
        int kept = span_kept(bt, unit, claim, weight, b.i, b.j);
        if (kept <= 0) {
            if (kept < 0)
                goto done;
            goto next;
        }
        if (prev == NULL) {
            if (n_slots == cap) {
                cap = cap ? 2 * cap : 8;
                Slot *grown = PyMem_Realloc(slots, cap * sizeof(Slot));
                if (grown == NULL) {
                    PyErr_NoMemory();
                    goto done;
                }
                slots = grown;
            }
            PyObject *k = PyLong_FromSsize_t(n_slots);
            int r = k == NULL ? -1 : PyDict_SetItem(index_of, claim, k);
            Py_XDECREF(k);
            if (r < 0)
                goto done;
            slots[n_slots++] = (Slot){Py_NewRef(claim), parts, b};
            parts = NULL;
        }
        else if (b.score > prev->b.score || (b.score == prev->b.score && b.j - b.i < prev->b.j - prev->b.i)) {
            Py_SETREF(prev->claim, Py_NewRef(claim));
            Py_XSETREF(prev->parts, parts);
            prev->b = b;
            parts = NULL;
        }
next:
        Py_CLEAR(e_id);
        Py_CLEAR(entry);
        Py_CLEAR(weight);
        Py_CLEAR(claim);
        Py_CLEAR(parts);
    }
    if (PyErr_Occurred() || (out = PyList_New(n_slots)) == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < n_slots; k++) {
        Slot *s = &slots[k];
        PyObject *p = s->parts ? Py_NewRef(s->parts) : parts_of(&s->b);
        PyObject *res = p ? Py_BuildValue("(OnndN)", s->claim, s->b.i, s->b.j, s->b.score, p) : NULL;
        if (res == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyList_SET_ITEM(out, k, res);
    }
done:
    Py_XDECREF(e_id);
    Py_XDECREF(entry);
    Py_XDECREF(weight);
    Py_XDECREF(claim);
    Py_XDECREF(parts);
    Py_XDECREF(it);
    Py_XDECREF(index_of);
    slots_free(slots, n_slots);
    unit_free(&u);
    return out;
}

PyDoc_STRVAR(align_units_doc,
"align_units(units, candidates, entries, weights, weights_of, own, own_of, names_only_both, threshold)\n--\n\n"
"matcher._unit_results for each unit and its candidate entry ids, in one call: per\n"
"claim, the best window of the unit over the claim's candidate texts, as a list of\n"
"(claim, first token, last token, score, parts) per unit. ``entries[e_id]`` is an\n"
"entry or None, ``weights`` a dict of entry weights by id (``weights_of(e_id, entry)``\n"
"where missing), ``own`` a dict of claim -> own terms (``own_of(claim)`` where\n"
"missing, stored in it); ``names_only_both(unit, i, j)`` drops a span of a two-term\n"
"text. Same results as the Python loop with aligner.align.");

static PyObject *
align_units(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (!cfg.ready) {
        PyErr_SetString(PyExc_RuntimeError, "claimnotes._aligner.configure() was not called");
        return NULL;
    }
    if (nargs != 9) {
        PyErr_SetString(PyExc_TypeError, "align_units() takes 9 arguments");
        return NULL;
    }
    Batch bt = {args[2], args[3], args[4], args[5], args[6], args[7], args[8], 0.0, NULL, {0}};
    entry_fields(&bt);
    if (!PyDict_CheckExact(bt.weights) || !PyDict_CheckExact(bt.own) || !PyCallable_Check(bt.weights_of)
            || !PyCallable_Check(bt.own_of) || !PyCallable_Check(bt.names_only_both)) {
        PyErr_SetString(PyExc_TypeError, "align_units() needs weights and own as dicts, and three callables");
        return NULL;
    }
    bt.threshold = PyFloat_AsDouble(bt.threshold_obj);
    if (bt.threshold == -1.0 && PyErr_Occurred())
        return NULL;
    PyObject *out = PyList_New(0), *units = PyObject_GetIter(args[0]), *cands = PyObject_GetIter(args[1]);
    PyObject *unit, *ids;
    if (out == NULL || units == NULL || cands == NULL)
        goto fail;
    /* zip(units, candidates) */
    while ((unit = PyIter_Next(units)) != NULL) {
        if ((ids = PyIter_Next(cands)) == NULL) {
            Py_DECREF(unit);
            break;
        }
        PyObject *res = unit_results(&bt, unit, ids);
        Py_DECREF(unit);
        Py_DECREF(ids);
        if (res == NULL || PyList_Append(out, res) < 0) {
            Py_XDECREF(res);
            goto fail;
        }
        Py_DECREF(res);
    }
    if (PyErr_Occurred())
        goto fail;
    Py_DECREF(units);
    Py_DECREF(cands);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(units);
    Py_XDECREF(cands);
    return NULL;
}

/* ---------------------------------------------------------------- configure */

static int
get_float(PyObject *kw, const char *name, double *out)
{
    PyObject *v = kw ? PyDict_GetItemString(kw, name) : NULL;
    if (v == NULL || !PyFloat_CheckExact(v)) {
        PyErr_Format(PyExc_TypeError, "configure() needs %s, a float", name);
        return -1;
    }
    *out = PyFloat_AS_DOUBLE(v);
    return 0;
}

static int
get_int(PyObject *kw, const char *name, Py_ssize_t *out)
{
    PyObject *v = kw ? PyDict_GetItemString(kw, name) : NULL;
    if (v == NULL || !PyLong_CheckExact(v)) {
        PyErr_Format(PyExc_TypeError, "configure() needs %s, an int", name);
        return -1;
    }
    *out = PyLong_AsSsize_t(v);
    return *out == -1 && PyErr_Occurred() ? -1 : 0;
}

static int
get_callable(PyObject *kw, const char *name, PyObject **out)
{
    PyObject *v = kw ? PyDict_GetItemString(kw, name) : NULL;
    if (v == NULL || !PyCallable_Check(v)) {
        PyErr_Format(PyExc_TypeError, "configure() needs %s, a callable", name);
        return -1;
    }
    Py_XSETREF(*out, Py_NewRef(v));
    return 0;
}

PyDoc_STRVAR(configure_doc,
"configure(**constants)\n--\n\n"
"Hand the aligner its constants (aligner.py defines them) and the Python\n"
"functions it calls: negated(tokens, k), and fallback (align_py) for inputs\n"
"the compiled loop does not take. Keywords: min_coverage, count_share,\n"
"coverage_power, similarity_power, missing_share, guard_factor, tolerance\n"
"(floats), negation_reach, negation_after, round_digits (ints), negated,\n"
"fallback.");

static PyObject *
configure(PyObject *self, PyObject *args, PyObject *kw)
{
    if (PyTuple_GET_SIZE(args)) {
        PyErr_SetString(PyExc_TypeError, "configure() takes keyword arguments only");
        return NULL;
    }
    Py_ssize_t digits;
    if (kw == NULL || PyDict_GET_SIZE(kw) != 12) {
        PyErr_SetString(PyExc_TypeError, "configure() takes exactly the 12 keywords of its doc");
        return NULL;
    }
    cfg.ready = 0;
    if (get_float(kw, "min_coverage", &cfg.min_coverage) || get_float(kw, "count_share", &cfg.count_share)
        || get_float(kw, "coverage_power", &cfg.coverage_power)
        || get_float(kw, "similarity_power", &cfg.similarity_power)
        || get_float(kw, "missing_share", &cfg.missing_share)
        || get_float(kw, "guard_factor", &cfg.guard_factor) || get_float(kw, "tolerance", &cfg.tolerance)
        || get_int(kw, "negation_reach", &cfg.negation_reach)
        || get_int(kw, "negation_after", &cfg.negation_after) || get_int(kw, "round_digits", &digits)
        || get_callable(kw, "negated", &cfg.negated) || get_callable(kw, "fallback", &cfg.fallback))
        return NULL;
    /* 10 ** digits is exact in a double up to 10 ** 22. */
    if (digits < 0 || digits > 22) {
        PyErr_SetString(PyExc_ValueError, "configure() needs round_digits in 0..22");
        return NULL;
    }
    cfg.round_scale = 1.0;
    for (Py_ssize_t k = 0; k < digits; k++)
        cfg.round_scale *= 10.0;
    Py_XSETREF(cfg.round_digits_obj, PyLong_FromSsize_t(digits));
    if (cfg.round_digits_obj == NULL)
        return NULL;
    cfg.ready = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"align", (PyCFunction)(void (*)(void))align, METH_FASTCALL | METH_KEYWORDS, align_doc},
    {"align_units", (PyCFunction)(void (*)(void))align_units, METH_FASTCALL, align_units_doc},
    {"configure", (PyCFunction)(void (*)(void))configure, METH_VARARGS | METH_KEYWORDS, configure_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "claimnotes._aligner",
    "The word aligner of claimnotes.aligner, compiled (optional; same results).", -1, methods,
};

PyMODINIT_FUNC
PyInit__aligner(void)
{
    struct { PyObject **slot; const char *text; } names[] = {
        {&s_termset, "termset"}, {&s_terms, "terms"}, {&s_names, "names"}, {&s_negs, "negs"}, {&s_wall, "wall"},
        {&s_tokens, "tokens"}, {&s_neg, "neg"}, {&s_norm, "norm"}, {&s_keys, "keys"}, {&s_not, "not"},
        {&s_floor, "floor"}, {&s_coverage, "coverage"}, {&s_similarity, "similarity"},
        {&s_numbers, "numbers"}, {&s_negation, "negation"}, {&s_distinct, "distinct"},
        {&s_claim, "claim"}, {&s_issubset, "issubset"},
    };
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        if (*names[k].slot == NULL && (*names[k].slot = PyUnicode_InternFromString(names[k].text)) == NULL)
            return NULL;
    if (round_fn == NULL) {
        PyObject *builtins = PyImport_ImportModule("builtins");
        if (builtins == NULL)
            return NULL;
        round_fn = PyObject_GetAttrString(builtins, "round");
        Py_DECREF(builtins);
        if (round_fn == NULL)
            return NULL;
    }
    return PyModule_Create(&module);
}
