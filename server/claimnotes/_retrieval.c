/* The key gate of claim_index.py compiled: key_gate() is the product of one
 * entry block (scipy's csr_matmat) fused with the gate on its result
 * (`weight >= kmin[entry]`), so that only the pairs that pass are written.
 *
 * How results stay identical to the numpy/scipy path:
 * - the product is csr_matmat's (scipy/sparse/sparsetools/csr.h): Gustavson's
 *   row-by-row accumulation with a linked list of the columns touched, so each
 *   row's pairs come out latest first touched first, as scipy lists them;
 * - each sum adds the same float32 terms in the same order, in float32 (the
 *   query's values are all 1, so v * Bx[kk] is Bx[kk] exactly: it is added as is);
 * - a pair is kept where csr_matmat keeps it (sum != 0) and the gate passes it
 *   (sum >= kmin[entry], a float32 comparison: NaN fails, as in numpy).
 * Speed (a block's slots do not fit in L1): an entry's sum and list link share a
 * cache line, and the two coin-toss tests (new entry? passes?) are branch free.
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
            if (j < 0 || j + 1 >= n_bp || bp[j] < 0 || bp[j + 1] < bp[j] || bp[j + 1] > n_bj) {
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

static PyMethodDef methods[] = {
    {"key_gate", key_gate, METH_VARARGS, key_gate_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "claimnotes._retrieval",
    "ClaimIndex's key gate compiled (see claim_index._key_gate).", -1, methods,
};

PyMODINIT_FUNC
PyInit__retrieval(void)
{
    return PyModule_Create(&module);
}
