/* Retrieval of claim_index.py compiled, two kernels:
 * - key_gate(): the key product of one entry block (scipy's csr_matmat) fused
 *   with the gate on its result (`weight >= kmin[entry]`), so that only the
 *   pairs that pass are written;
 * - present_weights(): the exact pre-filter's weight and count of an entry's
 *   terms in a unit, per pair, without building the elementwise product.
 *
 * How key_gate's results stay identical to the numpy/scipy path:
 * - the product is csr_matmat's (scipy/sparse/sparsetools/csr.h): Gustavson's
 *   row-by-row accumulation with a linked list of the columns touched, so each
 *   row's pairs come out latest first touched first, as scipy lists them;
 * - each sum adds the same float32 terms in the same order, in float32 (the
 *   query's values are all 1, so v * Bx[kk] is Bx[kk] exactly: it is added as is);
 * - a pair is kept where csr_matmat keeps it (sum != 0) and the gate passes it
 *   (sum >= kmin[entry], a float32 comparison: NaN fails, as in numpy).
 * Speed (a block's slots do not fit in L1): an entry's sum and list link share a
 * cache line, and the two coin-toss tests (new entry? passes?) are branch free.
 * present_weights is `fw[entry_of].multiply(q[unit_of])` then `.sum(axis=1)` and
 * the row lengths: both rows are sorted and hold no duplicate, so scipy's
 * product (csr_binop_csr, canonical case) holds the entry's weights at the
 * buckets both have, in bucket order; the row sum is numpy's np.add.reduceat
 * over them, in float32: the first weight plus the pairwise sum of the others
 * (see pairwise_sum).
 * No numpy headers: the arrays come in through the buffer protocol, already
 * C-contiguous, and are checked (type, length, every index before it is used),
 * so bad input raises ValueError/TypeError instead of reading out of bounds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* A 1-D C-contiguous buffer of int32 ('i') or float32 ('f'). */
static int
get_array(PyObject *obj, Py_buffer *view, char code, int writable, const char *name)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '=' || *f == '<' || *f == '@')   /* native byte order (x86, ARM): same layout */
        f++;
    if (view->ndim != 1 || view->itemsize != 4 || f[0] != code || f[1] != '\0') {
        PyErr_Format(PyExc_TypeError, "%s must be a 1-D contiguous %s array", name,
                     code == 'i' ? "int32" : "float32");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

#define N_ARRAYS 9

/* An entry's running sum and its link in the list of entries touched: side by
 * side, so a posting costs one cache line, not two (the sums of a block of
 * entries do not fit in L1). */
typedef struct { float sum; int32_t next; } Slot;

PyDoc_STRVAR(key_gate_doc,
"key_gate(ap, aj, bp, bj, bx, kmin, out_ptr, out_entry, out_weight) -> int\n\n"
"The pairs of (units x key rows, values 1; ap, aj) @ (key rows x entries; bp, bj, bx)\n"
"whose float32 sum passes sum >= kmin[entry], in csr_matmat's order: out_ptr\n"
"(len(ap)) gets each unit's row pointer, out_entry/out_weight the pairs. Returns\n"
"the number of pairs; ValueError if the outputs are too small or an index is\n"
"out of range. Index arrays are int32, bx, kmin and out_weight float32.");

static PyObject *
key_gate(PyObject *self, PyObject *args)
{
    static const char *names[N_ARRAYS] = {"ap", "aj", "bp", "bj", "bx", "kmin",
                                          "out_ptr", "out_entry", "out_weight"};
    static const char codes[N_ARRAYS] = "iiiiffiif";
    PyObject *objs[N_ARRAYS];
    Py_buffer views[N_ARRAYS];
    int got = 0;
    PyObject *result = NULL;
    Slot *slot = NULL;

    if (!PyArg_UnpackTuple(args, "key_gate", N_ARRAYS, N_ARRAYS, &objs[0], &objs[1], &objs[2],
                           &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &objs[8]))
        return NULL;
    for (; got < N_ARRAYS; got++)
        if (get_array(objs[got], &views[got], codes[got], got >= 6, names[got]) < 0)
            goto done;

    const int32_t *ap = views[0].buf, *aj = views[1].buf, *bp = views[2].buf, *bj = views[3].buf;
    const float *bx = views[4].buf, *kmin = views[5].buf;
    int32_t *cp = views[6].buf, *cj = views[7].buf;
    float *cx = views[8].buf;
    Py_ssize_t n_ap = views[0].shape[0], n_aj = views[1].shape[0], n_bp = views[2].shape[0];
    Py_ssize_t n_bj = views[3].shape[0], n_col = views[5].shape[0];
    Py_ssize_t cap = views[7].shape[0] < views[8].shape[0] ? views[7].shape[0] : views[8].shape[0];
    if (n_ap < 1 || views[6].shape[0] != n_ap || views[4].shape[0] != n_bj || n_bp < 1
            || n_col >= INT32_MAX || cap > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "key_gate: array lengths do not match");
        goto done;
    }
    slot = PyMem_Malloc(sizeof(Slot) * (n_col ? n_col : 1));
    if (!slot) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n_col; k++)
        slot[k] = (Slot){0.0f, -1};

    const char *error = NULL;
    Py_ssize_t nnz = 0;
    Py_BEGIN_ALLOW_THREADS
    cp[0] = 0;
    for (Py_ssize_t i = 0; i + 1 < n_ap && !error; i++) {
        int32_t head = -2;
        Py_ssize_t length = 0;
        int32_t a0 = ap[i], a1 = ap[i + 1];
        if (a0 < 0 || a1 < a0 || a1 > n_aj) {
            error = "key_gate: ap is not a row pointer into aj";
            break;
        }
        for (int32_t jj = a0; jj < a1; jj++) {
            int32_t j = aj[jj];
            /* j + 1 in Py_ssize_t: in int32 it wraps for j == INT32_MAX */
            if (j < 0 || (Py_ssize_t)j + 1 >= n_bp || bp[j] < 0 || bp[j + 1] < bp[j] || bp[j + 1] > n_bj) {
                error = "key_gate: aj or bp out of range";
                break;
            }
            for (int32_t kk = bp[j]; kk < bp[j + 1]; kk++) {
                int32_t k = bj[kk];
                if (k < 0 || k >= n_col) {
                    error = "key_gate: bj out of range of kmin";
                    break;
                }
                /* Without branches: whether an entry is new is a coin toss. */
                int fresh = slot[k].next == -1;
                slot[k].sum += bx[kk];
                slot[k].next = fresh ? head : slot[k].next;
                head = fresh ? k : head;
                length += fresh;
            }
            if (error)
                break;
        }
        /* The row's pairs, latest touched first; each slot is cleared for the next
         * row (on an error the scratch is dropped as it is). */
        for (Py_ssize_t n = 0; n < length && !error; n++) {
            float s = slot[head].sum;
            int pass = s != 0 && s >= kmin[head];
            if (nnz >= cap) {   /* no room for one more pair */
                if (pass)
                    error = "key_gate: out_entry/out_weight are too small";
            }
            else {   /* written always, kept if it passes: no branch to mispredict */
                cj[nnz] = head;
                cx[nnz] = s;
                nnz += pass;
            }
            int32_t t = head;
            head = slot[t].next;
            slot[t] = (Slot){0.0f, -1};
        }
        cp[i + 1] = (int32_t)nnz;
    }
    Py_END_ALLOW_THREADS
    if (error)
        PyErr_SetString(PyExc_ValueError, error);
    else
        result = PyLong_FromSsize_t(nnz);
done:
    PyMem_Free(slot);
    while (got-- > 0)
        PyBuffer_Release(&views[got]);
    return result;
}

/* numpy's float32 pairwise sum (FLOAT_pairwise_sum, numpy/_core/src/umath/
 * loops_utils.h.src): what np.add.reduce and reduceat add after the first element. */
static float
pairwise_sum(const float *a, Py_ssize_t n)
{
    if (n < 8) {
        float res = 0.0f;
        for (Py_ssize_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        float r[8];
        Py_ssize_t i;
        for (int j = 0; j < 8; j++)
            r[j] = a[j];
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += a[i + j];
        float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    Py_ssize_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

#define N_PW_ARRAYS 9
#define AHEAD 8   /* pairs */

/* x if it indexes an array of n, else 0: the prefetches read ahead of the checks. */
static inline Py_ssize_t
within(int32_t x, Py_ssize_t n)
{
    return x >= 0 && x < n ? x : 0;
}

PyDoc_STRVAR(present_weights_doc,
"present_weights(fp, fj, fx, qp, qj, unit_of, entry_of, out_present, out_common)\n\n"
"Per pair i, the weights of row entry_of[i] of (fp, fj, fx) at the columns that row\n"
"unit_of[i] of (qp, qj) holds: their float32 sum as np.add.reduceat gives it into\n"
"out_present[i], their number into out_common[i]. Rows must be sorted without\n"
"duplicates. Index arrays are int32, fx and out_present float32.");

static PyObject *
present_weights(PyObject *self, PyObject *args)
{
    static const char *names[N_PW_ARRAYS] = {"fp", "fj", "fx", "qp", "qj", "unit_of", "entry_of",
                                             "out_present", "out_common"};
    static const char codes[N_PW_ARRAYS] = "iifiiiifi";
    PyObject *objs[N_PW_ARRAYS];
    Py_buffer views[N_PW_ARRAYS];
    int got = 0;
    PyObject *result = NULL;
    float *found = NULL;

    if (!PyArg_UnpackTuple(args, "present_weights", N_PW_ARRAYS, N_PW_ARRAYS, &objs[0], &objs[1],
                           &objs[2], &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &objs[8]))
        return NULL;
    for (; got < N_PW_ARRAYS; got++)
        if (get_array(objs[got], &views[got], codes[got], got >= 7, names[got]) < 0)
            goto done;

    const int32_t *fp = views[0].buf, *fj = views[1].buf, *qp = views[3].buf, *qj = views[4].buf;
    const int32_t *unit_of = views[5].buf, *entry_of = views[6].buf;
    const float *fx = views[2].buf;
    float *present = views[7].buf;
    int32_t *common = views[8].buf;
    Py_ssize_t n_fp = views[0].shape[0], n_fj = views[1].shape[0], n_qp = views[3].shape[0];
    Py_ssize_t n_qj = views[4].shape[0], n_pairs = views[5].shape[0];
    if (views[2].shape[0] != n_fj || views[6].shape[0] != n_pairs || views[7].shape[0] != n_pairs
            || views[8].shape[0] != n_pairs) {
        PyErr_SetString(PyExc_ValueError, "present_weights: array lengths do not match");
        goto done;
    }
    if (n_fp < 1 || n_qp < 1) {   /* the prefetch below reads fp[0] before any check */
        PyErr_SetString(PyExc_ValueError, "present_weights: empty row pointers");
        goto done;
    }
    Py_ssize_t room = 64;   /* the weights found for one pair; grown as needed */
    found = PyMem_RawMalloc(sizeof(float) * room);
    if (!found) {
        PyErr_NoMemory();
        goto done;
    }

    const char *error = NULL;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n_pairs; i++) {
        int32_t e = entry_of[i], u = unit_of[i];
#ifdef __GNUC__   /* the entries' rows are far apart in memory: ask for them ahead */
        if (i + 2 * AHEAD < n_pairs)
            __builtin_prefetch(fp + within(entry_of[i + 2 * AHEAD], n_fp));
        if (i + AHEAD < n_pairs) {
            int32_t ahead = fp[within(entry_of[i + AHEAD], n_fp)];
            __builtin_prefetch(fj + within(ahead, n_fj));
            __builtin_prefetch(fx + within(ahead, n_fj));
        }
#endif
        if (e < 0 || (Py_ssize_t)e + 1 >= n_fp || u < 0 || (Py_ssize_t)u + 1 >= n_qp) {
            error = "present_weights: a unit or entry out of range";
            break;
        }
        int32_t a = fp[e], a_end = fp[e + 1], b = qp[u], b_end = qp[u + 1];
        if (a < 0 || a_end < a || a_end > n_fj || b < 0 || b_end < b || b_end > n_qj) {
            error = "present_weights: a row pointer out of range";
            break;
        }
        if (a_end - a > room) {
            float *grown = PyMem_RawRealloc(found, sizeof(float) * (a_end - a));
            if (!grown) {
                error = "";   /* no memory */
                break;
            }
            found = grown;
            room = a_end - a;
        }
        Py_ssize_t n = 0;
        while (a < a_end && b < b_end) {   /* a merge without branches: matches are rare */
            int32_t x = fj[a], y = qj[b];
            found[n] = fx[a];
            n += x == y;
            a += x <= y;
            b += y <= x;
        }
        present[i] = n == 0 ? 0.0f : n == 1 ? found[0] : found[0] + pairwise_sum(found + 1, n - 1);
        common[i] = (int32_t)n;
    }
    Py_END_ALLOW_THREADS
    if (error && !*error)
        PyErr_NoMemory();
    else if (error)
        PyErr_SetString(PyExc_ValueError, error);
    else
        result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(found);
    while (got-- > 0)
        PyBuffer_Release(&views[got]);
    return result;
}

static PyMethodDef methods[] = {
    {"key_gate", key_gate, METH_VARARGS, key_gate_doc},
    {"present_weights", present_weights, METH_VARARGS, present_weights_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "claimnotes._retrieval",
    "ClaimIndex's key gate and exact pre-filter compiled (see claim_index).", -1, methods,
};

PyMODINIT_FUNC
PyInit__retrieval(void)
{
    return PyModule_Create(&module);
}
