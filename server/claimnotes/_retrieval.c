/* Retrieval of claim_index.py compiled, three kernels and the glue around them:
 * - key_gate(): the key gate over the units of a page, walking only the records of
 *   each entry's *required* keys (claim_index._records), then the PRE_CANDIDATES
 *   cut of very large stores;
 * - block_gate(): for stores whose records would not fit claim_index.RECORDS_MAX,
 *   the key product of one entry block (scipy's csr_matmat) fused with the gate on
 *   its result (`weight >= kmin[entry]`), so that only the pairs that pass are
 *   written: Gustavson's accumulation, an entry's sum and list link side by side
 *   (a block's sums do not fit in L1), the two coin-toss tests branch free;
 * - present_weights(): the exact pre-filter's weight and count of an entry's
 *   terms in a unit, per pair, without building the elementwise product;
 * - query_rows() and select_candidates(): _candidates' query rows (the terms'
 *   buckets) and, after present_weights, its filter, order, cap and lists, with
 *   numpy's float operations (see the comments above them);
 * - candidates(): the gate, present_weights and the selection of a part of a page
 *   as one job, run without the GIL by the process's job thread while the caller
 *   analyses the page's next part (claim_index.Retrieval; see `Job`).
 *
 * How key_gate's results stay identical to the scipy fallback (the key product
 * q @ keys over blocks of entries, then `weight >= kmin[entry]`):
 * - a unit that passes an entry's gate holds one of its required keys (the others,
 *   its lightest, sum below the gate), so walking the required keys' records finds
 *   every pair that passes; an entry is counted once, at the first required key
 *   row the unit holds (a record whose entry has an earlier one there is skipped);
 * - a record carries a copy of all its entry's keys, rows ascending, so the sum
 *   adds the weights of the keys the unit holds in row order, in float32, as the
 *   product does (query values are all 1: each weight is added as is), and a pair
 *   passes where the fallback keeps it (sum != 0 and sum >= gate: NaN fails); a
 *   copy names its key by an id into a table of (row, weight), the weight the
 *   product adds, so that it takes 16 bits;
 * - csr_matmat (scipy/sparse/sparsetools/csr.h) lists a unit's entries latest
 *   first touched first: by the entry's first key row in the unit, last first,
 *   then by entry, last first; the fallback takes the blocks last first. The pairs
 *   are put in that order (order_pairs), the cut keeping the fallback's ties.
 * Speed: the records of a row are read in sequence (no random read per pair);
 * whether the unit holds a key is a bit of an L1 bitmap, tested without a branch.
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
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32   /* elsewhere the kernels run their tasks one after the other */
#include <pthread.h>
#include <stdatomic.h>
#define HAVE_THREADS 1
#endif

/* A 1-D C-contiguous buffer of int32 ('i'), float32 ('f') or float64 ('d'). */
static int
get_array(PyObject *obj, Py_buffer *view, char code, int writable, const char *name)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '=' || *f == '<' || *f == '@')   /* native byte order (x86, ARM): same layout */
        f++;
    if (view->ndim != 1 || view->itemsize != (code == 'd' ? 8 : 4) || f[0] != code || f[1] != '\0') {
        PyErr_Format(PyExc_TypeError, "%s must be a 1-D contiguous %s array", name,
                     code == 'i' ? "int32" : code == 'f' ? "float32" : "float64");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* A 1-D buffer as get_array takes it, but with any positive stride (a field of a
 * numpy structured array); *stride is set in bytes (that of one item where there
 * are fewer than two, whose stride numpy need not set). */
static int
get_strided(PyObject *obj, Py_buffer *view, char code, const char *name, Py_ssize_t *stride)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_STRIDES | PyBUF_FORMAT) < 0)
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '=' || *f == '<' || *f == '@')
        f++;
    *stride = view->strides && view->ndim == 1 && view->shape[0] > 1 ? view->strides[0] : view->itemsize;
    if (view->ndim != 1 || view->itemsize != (code == 'd' ? 8 : 4) || f[0] != code || f[1] != '\0'
            || *stride <= 0) {
        PyErr_Format(PyExc_TypeError, "%s must be a 1-D %s array with a positive stride", name,
                     code == 'i' ? "int32" : "float64");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* The records' key copies: a 1-D C-contiguous buffer of uint16 ('H') or, for
 * tables of more than 32,768 keys, int32 ('i'). *wide says which. */
static int
get_keys(PyObject *obj, Py_buffer *view, int *wide)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '=' || *f == '<' || *f == '@')
        f++;
    *wide = view->itemsize == 4 && f[0] == 'i';
    if (view->ndim != 1 || !(*wide || (view->itemsize == 2 && f[0] == 'H')) || f[1] != '\0') {
        PyErr_SetString(PyExc_TypeError, "bv must be a 1-D contiguous uint16 or int32 array");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

#define N_BLOCK_ARRAYS 9

/* An entry's running sum and its link in the list of entries touched: side by
 * side, so a posting costs one cache line, not two (the sums of a block of
 * entries do not fit in L1). */
typedef struct { float sum; int32_t next; } Slot;

PyDoc_STRVAR(block_gate_doc,
"block_gate(ap, aj, bp, bj, bx, kmin, out_ptr, out_entry, out_weight) -> int\n\n"
"The pairs of (units x key rows, values 1; ap, aj) @ (key rows x entries; bp, bj, bx)\n"
"whose float32 sum passes sum >= kmin[entry], in csr_matmat's order: out_ptr\n"
"(len(ap)) gets each unit's row pointer, out_entry/out_weight the pairs. Returns\n"
"the number of pairs; ValueError if the outputs are too small or an index is\n"
"out of range. Index arrays are int32, bx, kmin and out_weight float32.");

static PyObject *
block_gate(PyObject *self, PyObject *args)
{
    static const char *names[N_BLOCK_ARRAYS] = {"ap", "aj", "bp", "bj", "bx", "kmin",
                                          "out_ptr", "out_entry", "out_weight"};
    static const char codes[N_BLOCK_ARRAYS] = "iiiiffiif";
    PyObject *objs[N_BLOCK_ARRAYS];
    Py_buffer views[N_BLOCK_ARRAYS];
    int got = 0;
    PyObject *result = NULL;
    Slot *slot = NULL;

    if (!PyArg_UnpackTuple(args, "block_gate", N_BLOCK_ARRAYS, N_BLOCK_ARRAYS, &objs[0], &objs[1], &objs[2],
                           &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &objs[8]))
        return NULL;
    for (; got < N_BLOCK_ARRAYS; got++)
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
        PyErr_SetString(PyExc_ValueError, "block_gate: array lengths do not match");
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
            error = "block_gate: ap is not a row pointer into aj";
            break;
        }
        for (int32_t jj = a0; jj < a1; jj++) {
            int32_t j = aj[jj];
            /* j + 1 in Py_ssize_t: in int32 it wraps for j == INT32_MAX */
            if (j < 0 || (Py_ssize_t)j + 1 >= n_bp || bp[j] < 0 || bp[j + 1] < bp[j] || bp[j + 1] > n_bj) {
                error = "block_gate: aj or bp out of range";
                break;
            }
            for (int32_t kk = bp[j]; kk < bp[j + 1]; kk++) {
                int32_t k = bj[kk];
                if (k < 0 || k >= n_col) {
                    error = "block_gate: bj out of range of kmin";
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
                    error = "block_gate: out_entry/out_weight are too small";
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

/* A pair that passes the gate, before it is put in order: its entry, the key
 * weight found and the place in the unit of the entry's first key row there. */
typedef struct { int32_t entry; float weight; int32_t first; } Pair;

/* The k-th largest of a[0..n) (0 < k <= n, no NaN), a reordered: Hoare's quickselect. */
static float
kth_largest(float *a, Py_ssize_t n, Py_ssize_t k)
{
    Py_ssize_t lo = 0, hi = n - 1, want = k - 1;
    while (lo < hi) {
        float pivot = a[lo + (hi - lo) / 2];
        Py_ssize_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] > pivot)
                i++;
            while (a[j] < pivot)
                j--;
            if (i <= j) {
                float t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (want <= j)
            hi = j;
        else if (want >= i)
            lo = i;
        else
            return a[want];
    }
    return a[want];
}

static int
entry_last_first(const void *a, const void *b)
{
    int32_t x = ((const Pair *)a)->entry, y = ((const Pair *)b)->entry;
    return (x < y) - (x > y);
}

/* An entry's block: entry / block, a shift where block is a power of two (`shift`,
 * else -1), as ENTRY_BLOCK is: two divisions per pair ordered and per tie at the cut
 * took ~9 % of the order's time at 1M claims. */
static inline Py_ssize_t
block_of(int32_t entry, Py_ssize_t block, int shift)
{
    return shift >= 0 ? entry >> shift : entry / block;
}

/* Puts p[0..n) in the block product's order, through tmp[0..n) and count[0..]
 * (max(m, n_blocks) + 1): entry block last first, then first key row last first
 * (m rows in the unit), then entry last first. No two pairs of a unit share an
 * entry, so the order does not depend on the one the pairs come in. */
static void
order_pairs(Pair *p, Py_ssize_t n, Pair *tmp, int32_t *count, int32_t m, Py_ssize_t block,
            int shift, Py_ssize_t n_blocks)
{
    /* By first row, last first: a stable counting sort taking the pairs from the last
     * (as they are found: rows ascending, a row's entries ascending), so each row's
     * pairs mostly come entry last first already; an insertion sort does the rest,
     * or qsort where that would take long (O(n log n) whatever the input). */
    memset(count, 0, sizeof(int32_t) * (m + 1));
    for (Py_ssize_t k = 0; k < n; k++)
        count[m - p[k].first]++;
    for (int32_t f = 0; f < m; f++)
        count[f + 1] += count[f];
    for (Py_ssize_t k = n - 1; k >= 0; k--)
        tmp[count[m - 1 - p[k].first]++] = p[k];
    for (int32_t f = 0, a = 0; f < m; a = count[f++]) {
        Pair *row = tmp + a;
        Py_ssize_t len = count[f] - a, budget = 8 * len;
        for (Py_ssize_t k = 1; k < len && budget >= 0; k++) {
            Pair x = row[k];
            Py_ssize_t t = k;
            for (; t > 0 && row[t - 1].entry < x.entry; t--)
                row[t] = row[t - 1];
            row[t] = x;
            budget -= k - t;
        }
        if (budget < 0)
            qsort(row, len, sizeof(Pair), entry_last_first);
    }
    /* Then by entry block, last first (stable): the fallback takes the blocks'
     * products last first and keeps each one's pairs in order within a unit. */
    if (n_blocks == 1) {
        memcpy(p, tmp, sizeof(Pair) * n);
        return;
    }
    memset(count, 0, sizeof(int32_t) * (n_blocks + 1));
    for (Py_ssize_t k = 0; k < n; k++)
        count[n_blocks - block_of(tmp[k].entry, block, shift)]++;
    for (Py_ssize_t b = 0; b < n_blocks; b++)
        count[b + 1] += count[b];
    for (Py_ssize_t k = 0; k < n; k++)
        p[count[n_blocks - 1 - block_of(tmp[k].entry, block, shift)]++] = tmp[k];
}

/* Whether a comes before b in the block product's order (see order_pairs). */
static inline int
comes_before(Pair a, Pair b, Py_ssize_t block, int shift)
{
    Py_ssize_t block_a = block_of(a.entry, block, shift), block_b = block_of(b.entry, block, shift);
    if (block_a != block_b)
        return block_a > block_b;
    if (a.first != b.first)
        return a.first > b.first;
    return a.entry > b.entry;
}

#define N_ARRAYS 12
#define KEYS 6   /* bv: uint16 or int32 */
#define MAX_THREADS 8

#define MAX_TASKS (8 * MAX_THREADS)   /* a call's work is cut in 8 tasks per thread */

#ifdef HAVE_THREADS
typedef _Atomic Py_ssize_t TaskCounter;
#define TAKE(counter) atomic_fetch_add(counter, 1)
#else
typedef Py_ssize_t TaskCounter;
#define TAKE(counter) ((*(counter))++)
#endif

/* Tasks [0, n_tasks), each run as fn(worker, task) by whichever worker takes it
 * first: so a thread that waits for a core (the server's workers and other jobs
 * share them) leaves its tasks to the others, and the call waits at most for the
 * task it is running, not for a fixed share of the work. */
typedef struct {
    void (*fn)(void *worker, Py_ssize_t task);
    Py_ssize_t n_tasks;
    TaskCounter next;
} Tasks;

typedef struct { Tasks *tasks; void *worker; } Runner;

static void *
take_tasks(void *arg)
{
    Runner *r = arg;
    for (Py_ssize_t task; (task = TAKE(&r->tasks->next)) < r->tasks->n_tasks;)
        r->tasks->fn(r->worker, task);
    return NULL;
}

/* Runs the tasks with n workers (workers + k * size): the first in the calling
 * thread, the others each in a thread of its own, if one can be started (the
 * results are the same either way). */
static void
run_tasks(void (*fn)(void *, Py_ssize_t), Py_ssize_t n_tasks, char *workers, size_t size, int n)
{
    Tasks tasks = {fn, n_tasks, 0};
    Runner runners[MAX_THREADS];
    for (int k = 0; k < n; k++)
        runners[k] = (Runner){&tasks, workers + k * size};
#ifdef HAVE_THREADS
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int k = 1; k < n; k++)
        started[k] = pthread_create(&tid[k], NULL, take_tasks, &runners[k]) == 0;
    take_tasks(&runners[0]);
    for (int k = 1; k < n; k++)
        if (started[k])
            pthread_join(tid[k], NULL);
#else
    take_tasks(&runners[0]);
#endif
}

/* Where [0, n) is cut into `parts` parts of about equal weight: cut[k] for part k's
 * start, weight[i] the running sum of the weights of items before i (n + 1). */
static void
balance(const Py_ssize_t *weight, Py_ssize_t n, Py_ssize_t parts, Py_ssize_t *cut)
{
    cut[0] = 0;
    for (Py_ssize_t k = 1; k < parts; k++) {
        Py_ssize_t lo = cut[k - 1], hi = n, goal = weight[n] / parts * k;
        while (lo < hi) {   /* the first item whose running sum reaches the goal */
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (weight[mid] < goal)
                lo = mid + 1;
            else
                hi = mid;
        }
        cut[k] = lo;
    }
    cut[parts] = n;
}

/* A key of the table as the walk reads it: its *page row* (the rank of its row
 * among the rows the page's units hold, so page rows keep the rows' order; n_prows
 * for a row no unit holds) and its weight. */
typedef struct { int32_t prow; float weight; } PageKey;

/* A pair found by the walk, with its unit; pair.first is a page row until the
 * pairs are put in order. */
typedef struct { Pair pair; int32_t unit; } Found;

typedef struct Part Part;

/* One key_gate call: its input, the page's rows, and each unit's pairs. */
typedef struct {
    const int32_t *up, *uj, *rp, *re, *rb, *bv32;
    const uint16_t *bv16;
    const float *rk;
    int wide;
    Py_ssize_t n_units, n_col, n_rec, n_bv, n_kid, block, n_blocks, top;
    int block_shift;          /* block == 1 << block_shift, or -1 */
    const PageKey *keys;      /* per key id */
    Py_ssize_t n_on;          /* key ids a worker's key_on covers (see key_gate) */
    const int32_t *id_ptr, *id_of;   /* page row -> the ids of its keys */
    const int32_t *prow;      /* row -> page row (n_prows where no unit holds it) */
    const int32_t *row_of;    /* page row -> row */
    const int32_t *unit_ptr, *unit_of;   /* page row -> the units holding it, ascending */
    const uint64_t *bits;     /* unit u's page rows: bits[u * words ...], bit n_prows never set */
    Py_ssize_t n_prows, words;
    const Py_ssize_t *walk_at, *order_at;   /* the tasks: page rows, then units */
    Part *parts;              /* the workers */
    Pair *pairs;              /* unit u's pairs: pairs[start[u] .. start[u + 1]) */
    const Py_ssize_t *start;
    Py_ssize_t *kept;         /* how many of them the cut keeps (in order, at the start) */
    int cut;
} Gate;

/* A worker of a call (a thread), with its own scratch: the pairs it found in the
 * rows it walked, counted by unit. */
struct Part {
    Gate *g;
    Found *found;             /* the walk's pairs, as found */
    Py_ssize_t n_found, room;
    Py_ssize_t *at;           /* per unit: its pairs found here, then where the next goes */
    uint8_t *key_on;          /* per key id (n_on): 1 if a unit holding the row walked holds
                                 it, else 0; 2 past the table (bad input) */
    PageKey *on_page;         /* a record's keys kept (see walk_rows) */
    Py_ssize_t key_room;
    int32_t *row_id, *row_at; /* the walked row's keys kept: ids (id << 1 | required) and
                                 places; then, a record's, which are required and before it */
    Py_ssize_t row_room;
    Pair *work, *tmp;         /* the order's scratch: a unit's pairs (`most`) */
    float *scratch;
    int32_t *count, *place;   /* max(rows of a unit, n_blocks) + 1; page row -> place in the unit */
    const char *error;        /* "" for no memory */
};

/* The keys [b0, b1) that key_on marks (a row's records' keys, all of them), in order,
 * into ids[0, n) (id << 1 | required) and their places into at[0, n); returns n, or -1
 * if a key id is out of range. One loop for the row, not one per record: a record
 * has ~5 keys, and its loop's end was a branch mispredicted at nearly every record.
 * Inlined with `wide` a constant: each key width has its own loop, and a narrow id
 * needs no range check (key_on covers every id a uint16 holds). */
static inline __attribute__((always_inline)) int32_t
page_keys(const Gate *g, const uint8_t *key_on, int wide, int32_t b0, int32_t b1, int32_t *ids,
          int32_t *at)
{
    uint32_t last = (uint32_t)g->n_on - 1;
    int32_t n = 0, bad = 0;
    for (int32_t b = b0; b < b1; b++) {
        uint32_t v = wide ? (uint32_t)g->bv32[b] : g->bv16[b];
        int on = key_on[wide && v >> 1 > last ? last : v >> 1];
        bad |= on;
        ids[n] = (int32_t)v;   /* written always, kept if marked: no branch */
        at[n] = b;
        n += on & 1;
    }
    return bad & 2 ? -1 : n;
}

/* Sets the worker's key_on to `on` at the keys of every page row held by a unit that
 * holds page row c: the only keys of a record of row c that any of the units it is
 * evaluated against holds (at 1M claims ~30 rows of the page's 1,169). */
static void
mark_keys(Part *p, Py_ssize_t c, uint8_t on)
{
    const Gate *g = p->g;
    for (int32_t k = g->unit_ptr[c]; k < g->unit_ptr[c + 1]; k++) {
        int32_t u = g->unit_of[k];
        for (int32_t jj = g->up[u]; jj < g->up[u + 1]; jj++) {
            int32_t pr = g->prow[g->uj[jj]];
            for (int32_t i = g->id_ptr[pr]; i < g->id_ptr[pr + 1]; i++)
                p->key_on[g->id_of[i]] = on;
        }
    }
}

/* Walks the records of a task's page rows, each once, and evaluates each against
 * every unit that holds its row: the entry's keys the unit holds are summed in
 * row order (float32); the pair is counted at the first required row the unit
 * holds (skipped if an earlier one is there) and passes at sum >= gate. While a
 * row is walked, key_on marks the keys its units hold (mark_keys). */
static void
walk_rows(void *worker, Py_ssize_t task)
{
    Part *p = worker;
    const Gate *g = p->g;
    const int32_t *rp = g->rp, *re = g->re, *rb = g->rb;
    const PageKey *keys = g->keys;
    const uint64_t *bits = g->bits;
    Py_ssize_t words = g->words;
    for (Py_ssize_t c = g->walk_at[task]; c < g->walk_at[task + 1] && !p->error; c++) {
        int32_t r = g->row_of[c], x0 = rp[r], x1 = rp[r + 1];
        if (x0 < 0 || x1 < x0 || x1 > g->n_rec) {
            p->error = "key_gate: rp out of range";
            break;
        }
        const int32_t *units = g->unit_of + g->unit_ptr[c];
        int32_t n_held = g->unit_ptr[c + 1] - g->unit_ptr[c];
        mark_keys(p, c, 1);
        int32_t r0 = rb[x0], r1 = rb[x1];   /* the row's records' keys */
        if (r0 < 0 || r1 < r0 || r1 > g->n_bv) {
            p->error = "key_gate: a record out of range";
            break;
        }
        if (r1 - r0 > p->row_room) {
            int32_t *grown = PyMem_RawRealloc(p->row_id, sizeof(int32_t) * (r1 - r0));
            int32_t *grown_at = grown ? PyMem_RawRealloc(p->row_at, sizeof(int32_t) * (r1 - r0)) : NULL;
            if (grown)
                p->row_id = grown;
            if (!grown_at) {
                p->error = "";
                break;
            }
            p->row_at = grown_at;
            p->row_room = r1 - r0;
        }
        int32_t n_row = g->wide ? page_keys(g, p->key_on, 1, r0, r1, p->row_id, p->row_at)
                                : page_keys(g, p->key_on, 0, r0, r1, p->row_id, p->row_at);
        if (n_row < 0) {
            p->error = "key_gate: a key id out of range";
            break;
        }
        int32_t *row_id = p->row_id;
        const int32_t *row_at = p->row_at;
        int32_t next = 0;   /* the row's first key kept not yet read */
        for (int32_t x = x0; x < x1; x++) {
            int32_t e = re[x], b0 = rb[x], b1 = rb[x + 1];
            if (e < 0 || e >= g->n_col || b0 < 0 || b1 < b0 || b1 > g->n_bv) {
                p->error = "key_gate: a record out of range";
                break;
            }
            if (b1 - b0 > p->key_room) {
                PageKey *grown = PyMem_RawRealloc(p->on_page, sizeof(PageKey) * (b1 - b0));
                if (!grown) {
                    p->error = "";
                    break;
                }
                p->on_page = grown;
                p->key_room = b1 - b0;
            }
            /* The record's keys that a unit holding its row holds (no unit evaluated
             * here holds any other), in row order: which ones, from a byte per key id
             * (32 KB; the 20k ids of 1M claims take 20 KB of it, in L1; a bitmap of
             * them took 3-4 % more time, its bit picked out by shifts), then only their
             * page rows and weights from the key table (in L2). Marking the keys of
             * the whole page instead kept twice as many keys (1M claims, the bench
             * page: 1.0M for 459k records, against 510k) and let 286k records past
             * the gate below, against 157k. */
            PageKey *on_page = p->on_page;
            /* The records tile [r0, r1) in order (b0 is the last record's b1), so this
             * one's keys kept are the next ones whose place is under b1. */
            int32_t *early = row_id + next, n = next;
            while (n < n_row && row_at[n] < b1)
                n++;
            n -= next;
            next += n;
            float all = 0.0f;   /* every key kept, summed in the units' order */
            for (int32_t b = 0; b < n; b++) {
                int32_t v = early[b];
                on_page[b] = keys[v >> 1];
                early[b] = v & (on_page[b].prow < c);   /* required and before this row */
                all += on_page[b].weight;
            }
            float gate = g->rk[x];
            /* A unit's sum adds some of these weights (+0.0f for the others) in the same
             * order, and float addition of non-negative terms is monotone, so no unit's
             * sum exceeds `all`: where it is under the gate, no unit passes (at 1M claims
             * two records in three), and the units are not looked at. */
            if (!(all >= gate))
                continue;
            if (p->n_found + n_held > p->room) {   /* room for a pair per unit */
                Py_ssize_t room = 2 * (p->n_found + n_held);
                Found *grown = PyMem_RawRealloc(p->found, sizeof(Found) * room);
                if (!grown) {
                    p->error = "";
                    break;
                }
                p->found = grown;
                p->room = room;
            }
            for (int32_t k = 0; k < n_held; k++) {
                int32_t u = units[k];
                const uint64_t *held = bits + u * words;
                float s = 0.0f;
                int32_t first = -1, skip = 0;
                for (int32_t b = 0; b < n; b++) {
                    int32_t prow = on_page[b].prow;
                    /* Without branches: at 1M claims whether the unit holds a key is a
                     * coin toss. The weight is added, or +0.0f, which leaves s as it
                     * is (s is never -0.0f). */
                    int32_t held_it = held[prow >> 6] >> (prow & 63) & 1;
                    union { float f; int32_t i; } add = {on_page[b].weight};
                    add.i &= -held_it;
                    s += add.f;
                    skip |= held_it & early[b];
                    first = held_it & (first < 0) ? prow : first;
                }
                /* Written always, kept if it passes (a coin toss too). */
                int pass = !skip & (s != 0) & (s >= gate);
                p->found[p->n_found] = (Found){{e, s, first}, u};
                p->n_found += pass;
                p->at[u] += pass;
            }
            if (p->error)
                break;
        }
        mark_keys(p, c, 0);
    }
}

/* Task k: worker k's pairs found, each to its unit's place in g->pairs. */
static void
scatter_found(void *worker, Py_ssize_t task)
{
    Part *p = &((Part *)worker)->g->parts[task];
    for (Py_ssize_t j = 0; j < p->n_found; j++) {
        Found f = p->found[j];
        p->g->pairs[p->at[f.unit]++] = f.pair;
    }
}

/* A task's units: each one's pairs cut (if the call cuts: its `top` of most
 * weight, the first in the product's order on a tie) and put in that order. */
static void
order_units(void *worker, Py_ssize_t task)
{
    Part *p = worker;
    const Gate *g = p->g;
    Py_ssize_t top = g->top, block = g->block, n_blocks = g->n_blocks;
    int shift = g->block_shift;
    for (Py_ssize_t i = g->order_at[task]; i < g->order_at[task + 1]; i++) {
        Pair *run = g->pairs + g->start[i];
        Py_ssize_t n = g->start[i + 1] - g->start[i];
        int32_t a0 = g->up[i], m = g->up[i + 1] - a0;
        for (int32_t jj = 0; jj < m; jj++)
            p->place[g->prow[g->uj[a0 + jj]]] = jj;
        for (Py_ssize_t j = 0; j < n; j++)
            run[j].first = p->place[run[j].first];
        if (g->cut && n > top) {
            Pair *work = p->work;
            for (Py_ssize_t j = 0; j < n; j++)
                p->scratch[j] = run[j].weight;
            float kth = kth_largest(p->scratch, n, top);
            Py_ssize_t more = 0, ties = 0;
            for (Py_ssize_t j = 0; j < n; j++) {
                more += run[j].weight > kth;
                if (run[j].weight == kth)
                    work[ties++] = run[j];
            }
            /* The ties kept are the first top - more in order: up to the last one. */
            order_pairs(work, ties, p->tmp, p->count, m, block, shift, n_blocks);
            Pair last = work[top - more - 1];
            Py_ssize_t kept = 0;   /* kept in the order found, which order_pairs expects */
            for (Py_ssize_t j = 0; j < n; j++) {
                Pair x = run[j];
                if (x.weight > kth || (x.weight == kth && !comes_before(last, x, block, shift)))
                    run[kept++] = x;
            }
            n = kept;
        }
        order_pairs(run, n, p->tmp, p->count, m, block, shift, n_blocks);
        g->kept[i] = n;
    }
}

/* The parts' first error, if any ("" for no memory). */
static const char *
parts_error(const Part *parts, int n)
{
    for (int k = 0; k < n; k++)
        if (parts[k].error)
            return parts[k].error;
    return NULL;
}

PyDoc_STRVAR(key_gate_doc,
"key_gate(up, uj, rp, re, rk, rb, bv, kr, kw, out_ptr, out_entry, out_weight, n_entries,\n"
"block, k, threads) -> (n, cut)\n\n"
"The (unit, entry) pairs whose key weight found passes the gate, walking only the\n"
"records of the units' key rows (see claim_index._records): up/uj are the units'\n"
"key rows (each unit's ascending); row r's records are rp[r]..rp[r+1], record x is\n"
"entry re[x] (< n_entries), its gate rk[x] and its keys bv[rb[x]..rb[x+1]] (id << 1\n"
"| required, rows ascending; uint16 or int32), key id i being row kr[i] of weight\n"
"kw[i]. A pair passes at sum >= gate (float32, the keys the unit holds summed in\n"
"row order). If more than k pairs per unit pass\n"
"on average (cut), each unit keeps its k of most weight (ties: the first in order).\n"
"Each unit's pairs go out in the order of the block product: entry block (of\n"
"`block` entries) last first, then the entry's first key row in the unit last\n"
"first, then entry last first. The work is shared by `threads` threads (1 to 8;\n"
"the GIL released): the same results whatever their number. Returns the number\n"
"of pairs and whether the cut applied; ValueError if the outputs are too small or\n"
"an index is out of range. Index arrays are int32; rk, bw and out_weight float32.");

/* key_gate's input as plain C (no Python object: a page part's retrieval runs it in
 * a thread of its own, see `Job`). cut: -1 to cut where more than `top` pairs per
 * unit pass on average, else 0 or 1 as given (a page cut in parts: the whole page's). */
typedef struct {
    const int32_t *up, *uj, *rp, *re, *rb, *kr;
    const float *rk, *kw;
    const void *bv;
    int wide, threads, cut;
    Py_ssize_t n_up, n_uj, n_rp, n_rec, n_rb, n_rk, n_bv, n_kid, n_kw, n_col, block, top;
} GateIn;

/* key_gate's output: each unit's pairs (ptr, n_units + 1), in its own memory. total:
 * the pairs that passed before the cut. */
typedef struct {
    int32_t *ptr, *entry;
    float *weight;
    Py_ssize_t n, total;
    int cut;
} GateOut;

static void
gate_out_free(GateOut *out)
{
    PyMem_RawFree(out->ptr);
    PyMem_RawFree(out->entry);
    PyMem_RawFree(out->weight);
    *out = (GateOut){NULL};
}

/* The key gate (see key_gate's doc), without the GIL: NULL, or the error ("" for no
 * memory; out is then empty). */
static const char *
gate_pairs(const GateIn *in, GateOut *out)
{
    const int32_t *up = in->up, *uj = in->uj, *kr = in->kr, *rp = in->rp;
    const float *kw = in->kw;
    Py_ssize_t n_up = in->n_up, n_uj = in->n_uj, n_rp = in->n_rp, n_rec = in->n_rec, n_kid = in->n_kid;
    Py_ssize_t n_col = in->n_col, block = in->block, top = in->top;
    Py_ssize_t n_rows = n_rp - 1, n_units = n_up - 1;
    int threads = in->threads, n_parts = 0;
    const char *error = NULL;
    int32_t *prow = NULL, *row_of = NULL, *unit_ptr = NULL, *unit_of = NULL;
    uint64_t *on_page = NULL, *bits = NULL;
    int32_t *id_ptr = NULL, *id_of = NULL;
    Py_ssize_t *start = NULL, *kept = NULL, *weight = NULL;
    PageKey *keys = NULL;
    Pair *pairs = NULL;
    Part parts[MAX_THREADS];
    Gate gate;

    *out = (GateOut){NULL};
    if (n_up < 1 || n_rp < 1 || in->n_rk != n_rec || in->n_rb != n_rec + 1 || in->n_kw != n_kid
            || block < 1 || n_col < 0 || n_col > INT32_MAX || n_uj >= INT32_MAX
            || n_kid > INT32_MAX / 2 || top < 1 || top > INT32_MAX)
        return "key_gate: array lengths do not match";
    if (threads < 1 || threads > MAX_THREADS)
        return "key_gate: threads must be 1 to 8";
    for (n_parts = 0; n_parts < threads; n_parts++)
        parts[n_parts] = (Part){&gate};
    Py_ssize_t n_blocks = n_col ? (n_col - 1) / block + 1 : 1;

    /* The page rows: the rows any unit holds, ascending (checked here, with the units'
     * row pointers, before anything is indexed by them). */
    on_page = PyMem_RawCalloc(n_rows / 64 + 1, sizeof(uint64_t));
    prow = PyMem_RawMalloc(sizeof(int32_t) * (n_rows ? n_rows : 1));
    if (!on_page || !prow) {
        error = "";
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_units; i++) {
        int32_t a0 = up[i], a1 = up[i + 1];
        if (a0 < 0 || a1 < a0 || a1 > n_uj) {
            error = "key_gate: up is not a row pointer into uj";
            goto done;
        }
        for (int32_t jj = a0; jj < a1; jj++) {
            int32_t r = uj[jj];
            if (r < 0 || r >= n_rows || (jj > a0 && r <= uj[jj - 1])) {
                error = "key_gate: uj out of range or a unit's rows not ascending";
                goto done;
            }
            on_page[r >> 6] |= (uint64_t)1 << (r & 63);
        }
    }
    Py_ssize_t n_prows = 0;
    for (Py_ssize_t r = 0; r < n_rows; r++)
        n_prows += on_page[r >> 6] >> (r & 63) & 1;
    Py_ssize_t words = n_prows / 64 + 1;   /* and bit n_prows, for rows off the page */
    row_of = PyMem_RawMalloc(sizeof(int32_t) * (n_prows ? n_prows : 1));
    unit_ptr = PyMem_RawCalloc(n_prows + 2, sizeof(int32_t));
    unit_of = PyMem_RawMalloc(sizeof(int32_t) * (n_uj ? n_uj : 1));
    bits = PyMem_RawCalloc(n_units * words + 1, sizeof(uint64_t));
    keys = PyMem_RawMalloc(sizeof(PageKey) * (n_kid ? n_kid : 1));
    id_ptr = PyMem_RawCalloc(n_prows + 2, sizeof(int32_t));
    id_of = PyMem_RawMalloc(sizeof(int32_t) * (n_kid ? n_kid : 1));
    weight = PyMem_RawMalloc(sizeof(Py_ssize_t) * ((n_prows > n_units ? n_prows : n_units) + 1));
    start = PyMem_RawMalloc(sizeof(Py_ssize_t) * (n_units + 1));
    kept = PyMem_RawMalloc(sizeof(Py_ssize_t) * (n_units ? n_units : 1));
    if (!row_of || !unit_ptr || !unit_of || !bits || !keys || !id_ptr || !id_of || !weight || !start || !kept) {
        error = "";
        goto done;
    }
    for (Py_ssize_t r = 0, c = 0; r < n_rows; r++) {
        int held = on_page[r >> 6] >> (r & 63) & 1;
        prow[r] = held ? (int32_t)c : (int32_t)n_prows;
        if (held)
            row_of[c++] = (int32_t)r;
    }
    for (Py_ssize_t k = 0; k < n_kid; k++) {
        if (kr[k] < 0 || kr[k] >= n_rows) {
            error = "key_gate: a key row out of range";
            goto done;
        }
        keys[k] = (PageKey){prow[kr[k]], kw[k]};
        if (keys[k].prow < n_prows)
            id_ptr[keys[k].prow + 2]++;
    }
    /* Each page row's key ids (a counting sort, as the units below). */
    for (Py_ssize_t c = 0; c < n_prows; c++)
        id_ptr[c + 2] += id_ptr[c + 1];
    for (Py_ssize_t k = 0; k < n_kid; k++)
        if (keys[k].prow < n_prows)
            id_of[id_ptr[keys[k].prow + 1]++] = (int32_t)k;
    /* A worker's key_on: 2 for an id past the table (bad input), up to every id a
     * uint16 holds and one more, the larger ones' (see page_keys). */
    Py_ssize_t n_on = (n_kid > 1 << 15 ? n_kid : 1 << 15) + 1;
    /* Each page row's units (a counting sort: units ascending) and each unit's page
     * rows as a bitmap (244 units x 1,169 page rows at 1M claims: 37 KB, in L1). */
    for (int32_t jj = up[0]; jj < up[n_units]; jj++)
        unit_ptr[prow[uj[jj]] + 2]++;
    for (Py_ssize_t c = 0; c < n_prows; c++)
        unit_ptr[c + 2] += unit_ptr[c + 1];
    for (Py_ssize_t i = 0; i < n_units; i++)
        for (int32_t jj = up[i]; jj < up[i + 1]; jj++) {
            int32_t c = prow[uj[jj]];
            unit_of[unit_ptr[c + 1]++] = (int32_t)i;
            bits[i * words + (c >> 6)] |= (uint64_t)1 << (c & 63);
        }
    int block_shift = -1;   /* see block_of */
    for (int k = 0; k < 62 && block_shift < 0; k++)
        block_shift = block == (Py_ssize_t)1 << k ? k : -1;
    gate = (Gate){up, uj, rp, in->re, in->rb, in->bv, in->bv, in->rk, in->wide, n_units, n_col, n_rec,
                  in->n_bv, n_kid, block, n_blocks, top, block_shift, keys, n_on, id_ptr, id_of, prow, row_of,
                  unit_ptr, unit_of, bits, n_prows, words, NULL, NULL, NULL, NULL, start, kept, 0};

    /* The walk: its tasks are page rows of about as many records each. */
    weight[0] = 0;
    for (Py_ssize_t c = 0; c < n_prows; c++) {
        int32_t r = row_of[c];
        weight[c + 1] = weight[c] + (rp[r + 1] > rp[r] ? rp[r + 1] - rp[r] : 0);
    }
    Py_ssize_t walk_at[MAX_TASKS + 1], order_at[MAX_TASKS + 1];
    Py_ssize_t n_tasks = n_parts == 1 ? 1 : MAX_TASKS / MAX_THREADS * n_parts;
    balance(weight, n_prows, n_tasks, walk_at);
    gate.walk_at = walk_at;
    gate.order_at = order_at;
    gate.parts = parts;
    for (int k = 0; k < n_parts; k++) {
        parts[k].room = 1024;
        parts[k].found = PyMem_RawMalloc(sizeof(Found) * parts[k].room);
        parts[k].at = PyMem_RawCalloc(n_units + 1, sizeof(Py_ssize_t));
        parts[k].key_on = PyMem_RawMalloc(n_on);
        if (!parts[k].found || !parts[k].at || !parts[k].key_on) {
            error = "";
            goto done;
        }
        memset(parts[k].key_on, 0, n_kid);
        memset(parts[k].key_on + n_kid, 2, n_on - n_kid);
    }
    run_tasks(walk_rows, n_tasks, (char *)parts, sizeof(Part), n_parts);
    if ((error = parts_error(parts, n_parts)))
        goto done;

    /* Each unit's pairs, worker by worker, each in the order found (rows ascending,
     * then records, within each worker's tasks), so that order_pairs mostly finds
     * them in order (its order is total: it does not depend on that one). */
    Py_ssize_t most = 0;
    start[0] = 0;
    for (Py_ssize_t i = 0; i < n_units; i++) {
        Py_ssize_t at = start[i];
        for (int k = 0; k < n_parts; k++) {
            Py_ssize_t n = parts[k].at[i];
            parts[k].at[i] = at;
            at += n;
        }
        start[i + 1] = at;
        most = at - start[i] > most ? at - start[i] : most;
    }
    Py_ssize_t total = start[n_units];
    pairs = PyMem_RawMalloc(sizeof(Pair) * (total ? total : 1));
    if (!pairs) {
        error = "";
        goto done;
    }
    gate.pairs = pairs;
    run_tasks(scatter_found, n_parts, (char *)parts, sizeof(Part), n_parts);
    /* Cut if more than `top` pairs per unit pass on average (or as told). */
    gate.cut = in->cut < 0 ? total > top * n_units : in->cut;

    /* The order: its tasks are units of about as many pairs each. */
    Py_ssize_t longest = 0;   /* rows of a unit */
    for (Py_ssize_t i = 0; i < n_units; i++)
        longest = up[i + 1] - up[i] > longest ? up[i + 1] - up[i] : longest;
    balance(start, n_units, n_tasks, order_at);
    for (int k = 0; k < n_parts; k++) {
        Part *p = &parts[k];
        p->work = PyMem_RawMalloc(sizeof(Pair) * (most ? most : 1));
        p->tmp = PyMem_RawMalloc(sizeof(Pair) * (most ? most : 1));
        p->scratch = PyMem_RawMalloc(sizeof(float) * (most ? most : 1));
        p->count = PyMem_RawMalloc(sizeof(int32_t) * ((longest > n_blocks ? longest : n_blocks) + 1));
        p->place = PyMem_RawMalloc(sizeof(int32_t) * (n_prows ? n_prows : 1));
        if (!p->work || !p->tmp || !p->scratch || !p->count || !p->place) {
            error = "";
            goto done;
        }
    }
    run_tasks(order_units, n_tasks, (char *)parts, sizeof(Part), n_parts);

    Py_ssize_t nnz = 0;
    for (Py_ssize_t i = 0; i < n_units; i++)
        nnz += kept[i];
    if (nnz > INT32_MAX) {
        error = "key_gate: too many pairs";
        goto done;
    }
    out->ptr = PyMem_RawMalloc(sizeof(int32_t) * (n_units + 1));
    out->entry = PyMem_RawMalloc(sizeof(int32_t) * (nnz ? nnz : 1));
    out->weight = PyMem_RawMalloc(sizeof(float) * (nnz ? nnz : 1));
    if (!out->ptr || !out->entry || !out->weight) {
        error = "";
        goto done;
    }
    nnz = 0;
    out->ptr[0] = 0;
    for (Py_ssize_t i = 0; i < n_units; i++) {
        const Pair *run = pairs + start[i];
        for (Py_ssize_t j = 0; j < kept[i]; j++) {
            out->entry[nnz + j] = run[j].entry;
            out->weight[nnz + j] = run[j].weight;
        }
        nnz += kept[i];
        out->ptr[i + 1] = (int32_t)nnz;
    }
    out->n = nnz;
    out->total = total;
    out->cut = gate.cut;
done:
    if (error)
        gate_out_free(out);
    for (int k = 0; k < n_parts; k++) {
        PyMem_RawFree(parts[k].found);
        PyMem_RawFree(parts[k].at);
        PyMem_RawFree(parts[k].on_page);
        PyMem_RawFree(parts[k].row_id);
        PyMem_RawFree(parts[k].row_at);
        PyMem_RawFree(parts[k].key_on);
        PyMem_RawFree(parts[k].work);
        PyMem_RawFree(parts[k].tmp);
        PyMem_RawFree(parts[k].scratch);
        PyMem_RawFree(parts[k].count);
        PyMem_RawFree(parts[k].place);
    }
    PyMem_RawFree(on_page);
    PyMem_RawFree(prow);
    PyMem_RawFree(row_of);
    PyMem_RawFree(unit_ptr);
    PyMem_RawFree(unit_of);
    PyMem_RawFree(bits);
    PyMem_RawFree(keys);
    PyMem_RawFree(id_ptr);
    PyMem_RawFree(id_of);
    PyMem_RawFree(weight);
    PyMem_RawFree(start);
    PyMem_RawFree(kept);
    PyMem_RawFree(pairs);
    return error;
}

/* Raises `error` from a kernel run without the GIL ("" for no memory). */
static void
set_error(const char *error)
{
    if (*error)
        PyErr_SetString(PyExc_ValueError, error);
    else
        PyErr_NoMemory();
}

/* The record arrays of key_gate's arguments (rp, re, rk, rb, bv, kr, kw, from
 * views[0..7)) into `in`. */
static void
gate_records(GateIn *in, const Py_buffer *views, int wide)
{
    in->rp = views[0].buf;
    in->re = views[1].buf;
    in->rk = views[2].buf;
    in->rb = views[3].buf;
    in->bv = views[4].buf;
    in->kr = views[5].buf;
    in->kw = views[6].buf;
    in->wide = wide;
    in->n_rp = views[0].shape[0];
    in->n_rec = views[1].shape[0];
    in->n_rk = views[2].shape[0];
    in->n_rb = views[3].shape[0];
    in->n_bv = views[4].shape[0];
    in->n_kid = views[5].shape[0];
    in->n_kw = views[6].shape[0];
}

static PyObject *
key_gate(PyObject *self, PyObject *args)
{
    static const char *names[N_ARRAYS] = {"up", "uj", "rp", "re", "rk", "rb", "bv", "kr", "kw",
                                          "out_ptr", "out_entry", "out_weight"};
    static const char codes[N_ARRAYS] = "iiiifi-ifiif";   /* bv ('-'): get_keys */
    PyObject *objs[N_ARRAYS];
    Py_buffer views[N_ARRAYS];
    Py_ssize_t n_col, block, top;
    int threads, got = 0, wide = 0;
    PyObject *result = NULL;

    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOOnnni:key_gate", &objs[0], &objs[1], &objs[2], &objs[3],
                          &objs[4], &objs[5], &objs[6], &objs[7], &objs[8], &objs[9], &objs[10],
                          &objs[11], &n_col, &block, &top, &threads))
        return NULL;
    for (; got < N_ARRAYS; got++)
        if ((got == KEYS ? get_keys(objs[got], &views[got], &wide)
                         : get_array(objs[got], &views[got], codes[got], got >= 9, names[got])) < 0)
            goto done;
    GateIn in = {.up = views[0].buf, .uj = views[1].buf, .n_up = views[0].shape[0], .n_uj = views[1].shape[0],
                 .n_col = n_col, .block = block, .top = top, .threads = threads, .cut = -1};
    gate_records(&in, views + 2, wide);
    if (views[9].shape[0] != in.n_up) {
        PyErr_SetString(PyExc_ValueError, "key_gate: array lengths do not match");
        goto done;
    }
    GateOut out;
    const char *error;
    Py_BEGIN_ALLOW_THREADS
    error = gate_pairs(&in, &out);
    Py_END_ALLOW_THREADS
    if (error) {
        set_error(error);
        goto done;
    }
    if (out.n > views[10].shape[0] || out.n > views[11].shape[0])
        PyErr_SetString(PyExc_ValueError, "key_gate: out_entry/out_weight are too small");
    else {
        memcpy(views[9].buf, out.ptr, sizeof(int32_t) * in.n_up);
        memcpy(views[10].buf, out.entry, sizeof(int32_t) * out.n);
        memcpy(views[11].buf, out.weight, sizeof(float) * out.n);
        result = Py_BuildValue("(nO)", out.n, out.cut ? Py_True : Py_False);
    }
    gate_out_free(&out);
done:
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
/* select_candidates' filter reads one line of each pair's entry, present_part three:
 * 16 pairs ahead there took its CPU from 1.35 to 1.12 ms (min, 1M claims, the bench
 * page in-page, alternated), where it made present_part's worse (5.1 -> 6.3). */
#define SELECT_AHEAD 16

/* x if it indexes an array of n, else 0: the prefetches read ahead of the checks. */
static inline Py_ssize_t
within(int32_t x, Py_ssize_t n)
{
    return x >= 0 && x < n ? x : 0;
}

PyDoc_STRVAR(present_weights_doc,
"present_weights(fp, fj, fx, qp, qj, unit_of, entry_of, out_present, out_common, threads)\n\n"
"Per pair i, the weights of row entry_of[i] of (fp, fj, fx) at the columns that row\n"
"unit_of[i] of (qp, qj) holds: their float32 sum as np.add.reduceat gives it into\n"
"out_present[i], their number into out_common[i]. Rows must be sorted without\n"
"duplicates. The pairs are shared by `threads` threads (1 to 8; the GIL released).\n"
"Index arrays are int32, fx and out_present float32.");

/* present_weights' input; its tasks are n_tasks runs of pairs. */
typedef struct {
    const int32_t *fp, *fj, *qp, *qj, *unit_of, *entry_of;
    const float *fx;
    float *present;
    int32_t *common;
    Py_ssize_t n_fp, n_fj, n_qp, n_qj, n_pairs, n_tasks;
} Present;

/* A worker of present_weights. */
typedef struct {
    const Present *in;
    const char *error;   /* "" for no memory */
} PresentPart;

/* The slot of `key` in an open-addressing set of `slots` (a power of two, at most half
 * full): where it is, or the empty slot where it would go. */
static inline size_t
slot_of(const uint32_t *set, Py_ssize_t slots, uint32_t key)
{
    size_t h = (key * 2654435761u) & (slots - 1);
    while (set[h] && set[h] != key)
        h = (h + 1) & (slots - 1);
    return h;
}

static void
present_part(void *worker, Py_ssize_t task)
{
    PresentPart *part = worker;
    const Present *in = part->in;
    const int32_t *fp = in->fp, *fj = in->fj, *qp = in->qp, *qj = in->qj;
    const int32_t *unit_of = in->unit_of, *entry_of = in->entry_of;
    const float *fx = in->fx;
    Py_ssize_t n_fp = in->n_fp, n_fj = in->n_fj, n_qp = in->n_qp, n_qj = in->n_qj;
    Py_ssize_t lo = in->n_pairs * task / in->n_tasks, hi = in->n_pairs * (task + 1) / in->n_tasks;
    Py_ssize_t room = 64;   /* the weights found for one pair; grown as needed */
    float *found = part->error ? NULL : PyMem_RawMalloc(sizeof(float) * room);
    /* The current unit's columns in a hash set (column + 1; 0 is empty), so that a
     * pair looks up its entry's ~10 columns instead of merging them with the unit's
     * 20-60: the pairs come by unit, and the entry's row is still read in order, so
     * the weights found and their sum are the merge's. */
    Py_ssize_t slots = 64;
    uint32_t *set = found ? PyMem_RawCalloc(slots, sizeof(uint32_t)) : NULL;
    int32_t set_unit = -1;
    if (!set) {
        PyMem_RawFree(found);
        part->error = part->error ? part->error : "";
        return;
    }
    for (Py_ssize_t i = lo; i < hi; i++) {
        int32_t e = entry_of[i], u = unit_of[i];
#ifdef __GNUC__   /* the entries' rows are far apart in memory: ask for them ahead */
        if (i + 2 * AHEAD < hi)
            __builtin_prefetch(fp + within(entry_of[i + 2 * AHEAD], n_fp));
        if (i + AHEAD < hi) {
            /* A row (~10 terms, 42 bytes) crosses a cache line more often than not:
             * both its ends are asked for (1M claims, the bench page's 59k pairs in one
             * thread, caches flushed, alternated: median 5.13 -> 4.58 ms). */
            const int32_t *row = fp + within(entry_of[i + AHEAD], n_fp - 1);   /* row[1] too */
            int32_t first = within(row[0], n_fj), last = n_fp > 1 ? within(row[1] - 1, n_fj) : first;
            __builtin_prefetch(fj + first);
            __builtin_prefetch(fx + first);
            __builtin_prefetch(fj + last);
            __builtin_prefetch(fx + last);
        }
#endif
        if (e < 0 || (Py_ssize_t)e + 1 >= n_fp || u < 0 || (Py_ssize_t)u + 1 >= n_qp) {
            part->error = "present_weights: a unit or entry out of range";
            break;
        }
        int32_t a = fp[e], a_end = fp[e + 1], b = qp[u], b_end = qp[u + 1];
        if (a < 0 || a_end < a || a_end > n_fj || b < 0 || b_end < b || b_end > n_qj) {
            part->error = "present_weights: a row pointer out of range";
            break;
        }
        if (a_end - a > room) {
            float *grown = PyMem_RawRealloc(found, sizeof(float) * (a_end - a));
            if (!grown) {
                part->error = "";
                break;
            }
            found = grown;
            room = a_end - a;
        }
        if (u != set_unit) {
            Py_ssize_t want = 64;
            while (want < 2 * (Py_ssize_t)(b_end - b))
                want *= 2;
            if (want > slots) {
                uint32_t *grown = PyMem_RawRealloc(set, sizeof(uint32_t) * want);
                if (!grown) {
                    part->error = "";
                    break;
                }
                set = grown;
                slots = want;
            }
            memset(set, 0, sizeof(uint32_t) * slots);
            for (int32_t k = b; k < b_end; k++) {
                uint32_t key = (uint32_t)qj[k] + 1u;
                set[slot_of(set, slots, key)] = key;
            }
            set_unit = u;
        }
        Py_ssize_t n = 0;
        for (; a < a_end; a++) {
            uint32_t key = (uint32_t)fj[a] + 1u;
            found[n] = fx[a];
            n += (set[slot_of(set, slots, key)] == key) & (key != 0);   /* column -1 (bad input) is never held */
        }
        in->present[i] = n == 0 ? 0.0f : n == 1 ? found[0] : found[0] + pairwise_sum(found + 1, n - 1);
        in->common[i] = (int32_t)n;
    }
    PyMem_RawFree(found);
    PyMem_RawFree(set);
}

/* present_weights without the GIL: NULL, or the error ("" for no memory). */
static const char *
present_run(Present *in, int threads)
{
    if (in->n_fp < 1 || in->n_qp < 1)   /* the prefetch reads fp[0] before any check */
        return "present_weights: empty row pointers";
    if (threads < 1 || threads > MAX_THREADS)
        return "present_weights: threads must be 1 to 8";
    PresentPart parts[MAX_THREADS];
    for (int k = 0; k < threads; k++)
        parts[k] = (PresentPart){in, NULL};
    in->n_tasks = threads == 1 ? 1 : MAX_TASKS / MAX_THREADS * threads;
    run_tasks(present_part, in->n_tasks, (char *)parts, sizeof(PresentPart), threads);
    for (int k = 0; k < threads; k++)
        if (parts[k].error)
            return parts[k].error;
    return NULL;
}

static PyObject *
present_weights(PyObject *self, PyObject *args)
{
    static const char *names[N_PW_ARRAYS] = {"fp", "fj", "fx", "qp", "qj", "unit_of", "entry_of",
                                             "out_present", "out_common"};
    static const char codes[N_PW_ARRAYS] = "iifiiiifi";
    PyObject *objs[N_PW_ARRAYS];
    Py_buffer views[N_PW_ARRAYS];
    int threads, got = 0;
    PyObject *result = NULL;

    if (!PyArg_ParseTuple(args, "OOOOOOOOOi:present_weights", &objs[0], &objs[1], &objs[2], &objs[3],
                          &objs[4], &objs[5], &objs[6], &objs[7], &objs[8], &threads))
        return NULL;
    for (; got < N_PW_ARRAYS; got++)
        if (get_array(objs[got], &views[got], codes[got], got >= 7, names[got]) < 0)
            goto done;

    Present in = {views[0].buf, views[1].buf, views[3].buf, views[4].buf, views[5].buf, views[6].buf,
                  views[2].buf, views[7].buf, views[8].buf, views[0].shape[0], views[1].shape[0],
                  views[3].shape[0], views[4].shape[0], views[5].shape[0], 1};
    Py_ssize_t n_pairs = in.n_pairs;
    if (views[2].shape[0] != in.n_fj || views[6].shape[0] != n_pairs || views[7].shape[0] != n_pairs
            || views[8].shape[0] != n_pairs) {
        PyErr_SetString(PyExc_ValueError, "present_weights: array lengths do not match");
        goto done;
    }
    const char *error;
    Py_BEGIN_ALLOW_THREADS
    error = present_run(&in, threads);
    Py_END_ALLOW_THREADS
    if (error)
        set_error(error);
    else
        result = Py_NewRef(Py_None);
done:
    while (got-- > 0)
        PyBuffer_Release(&views[got]);
    return result;
}

/* ---- the query rows and the candidates' selection (claim_index._candidates) */

/* zlib's CRC-32 (reflected polynomial 0xEDB88320), as zlib.crc32 gives it: the
 * hash claim_index.bucket() files terms under. The table is made at import. */
static uint32_t crc_table[256];
static PyObject *termset_name;   /* "termset", interned at import */

static void
make_crc_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t
crc32_of(const unsigned char *s, Py_ssize_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (Py_ssize_t i = 0; i < n; i++)
        c = crc_table[(c ^ s[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* Sorts b[0..n) ascending and drops repeats; returns how many are left. A unit has
 * a few dozen terms: an insertion sort, or qsort past that. */
static int
int32_ascending(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static Py_ssize_t
sort_unique(int32_t *b, Py_ssize_t n)
{
    if (n > 64)
        qsort(b, n, sizeof(int32_t), int32_ascending);
    else
        for (Py_ssize_t k = 1; k < n; k++) {
            int32_t x = b[k];
            Py_ssize_t t = k;
            for (; t > 0 && b[t - 1] > x; t--)
                b[t] = b[t - 1];
            b[t] = x;
        }
    Py_ssize_t m = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (m == 0 || b[k] != b[m - 1])
            b[m++] = b[k];
    return m;
}

PyDoc_STRVAR(query_rows_doc,
"query_rows(units, bucket, mask) -> (indptr, cols)\n\n"
"The units x buckets query in CSR form, as bytes of int32: each unit's buckets of\n"
"the terms of its termset (None is not a term), ascending, once each. An ASCII str\n"
"is hashed here (zlib's crc32 of it, & mask), any other term by bucket(term).");

static PyObject *
query_rows(PyObject *self, PyObject *args)
{
    PyObject *units, *bucket, *seq = NULL, *result = NULL;
    Py_ssize_t mask;
    int32_t *cols = NULL, *indptr = NULL;

    if (!PyArg_ParseTuple(args, "OOn:query_rows", &units, &bucket, &mask))
        return NULL;
    if (mask < 0 || mask > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "query_rows: mask out of range");
        return NULL;
    }
    seq = PySequence_Fast(units, "query_rows: units must be a sequence");
    if (!seq)
        return NULL;
    Py_ssize_t n_units = PySequence_Fast_GET_SIZE(seq), n = 0, room = 1024;
    indptr = PyMem_Malloc(sizeof(int32_t) * (n_units + 1));
    cols = PyMem_Malloc(sizeof(int32_t) * room);
    if (!indptr || !cols) {
        PyErr_NoMemory();
        goto done;
    }
    indptr[0] = 0;
    for (Py_ssize_t u = 0; u < n_units; u++) {
        PyObject *terms = PyObject_GetAttr(PySequence_Fast_GET_ITEM(seq, u), termset_name);
        if (!terms)
            goto done;
        if (!PyAnySet_Check(terms)) {
            PyErr_SetString(PyExc_TypeError, "query_rows: a unit's termset is not a set");
            Py_DECREF(terms);
            goto done;
        }
        Py_ssize_t size = PySet_GET_SIZE(terms);
        if (n + size > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "query_rows: too many terms");
            Py_DECREF(terms);
            goto done;
        }
        if (n + size > room) {
            room = 2 * (n + size);
            int32_t *grown = PyMem_Realloc(cols, sizeof(int32_t) * room);
            if (!grown) {
                PyErr_NoMemory();
                Py_DECREF(terms);
                goto done;
            }
            cols = grown;
        }
        PyObject *it = PyObject_GetIter(terms), *term;
        Py_DECREF(terms);
        if (!it)
            goto done;
        Py_ssize_t start = n;
        while (n - start < size && (term = PyIter_Next(it))) {
            long b;
            if (term == Py_None)
                b = -1;
            else if (PyUnicode_CheckExact(term) && PyUnicode_IS_COMPACT_ASCII(term))
                b = crc32_of(PyUnicode_DATA(term), PyUnicode_GET_LENGTH(term)) & mask;
            else {   /* non-ASCII (UTF-8, surrogates passed): Python's own bucket() */
                PyObject *r = PyObject_CallOneArg(bucket, term);
                b = r ? PyLong_AsLong(r) : -1;
                Py_XDECREF(r);
                if (!PyErr_Occurred() && (b < 0 || b > mask))
                    PyErr_SetString(PyExc_ValueError, "query_rows: bucket() out of range");
            }
            Py_DECREF(term);
            if (PyErr_Occurred())
                break;
            if (b >= 0)
                cols[n++] = (int32_t)b;
        }
        Py_DECREF(it);
        if (PyErr_Occurred())
            goto done;
        n = start + sort_unique(cols + start, n - start);
        indptr[u + 1] = (int32_t)n;
    }
    result = Py_BuildValue("(y#y#)", (const char *)indptr, sizeof(int32_t) * (n_units + 1),
                           (const char *)cols, sizeof(int32_t) * n);
done:
    PyMem_Free(indptr);
    PyMem_Free(cols);
    Py_DECREF(seq);
    return result;
}

/* The filter below rounds every product before the sum or test that follows, as
 * numpy's separate operations do: no fused multiply-add where the target has one. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* x ** p as numpy's `array ** p` computes it for the exponents it takes a fast path
 * for (numpy/_core/src/multiarray/number.c, fast_scalar_power). */
static inline double
fast_power(double x, double p)
{
    return p == 0.5 ? sqrt(x) : p == 2.0 ? x * x : x;
}

/* A pair that passes the filter: what orders a unit's candidates, and its place in
 * the gate's order (the stable sorts' last key). */
typedef struct { double best; float present, key; int32_t entry, at; } Kept;

/* Best bound first, then more present weight, then more key weight, then the
 * gate's order: lexsort's order on (-key, -present, -best) after the unit. Keys
 * not sorted on are 0 in every pair. */
static int
kept_order(const void *a, const void *b)
{
    const Kept *x = a, *y = b;
    if (x->best != y->best)
        return x->best > y->best ? -1 : 1;
    if (x->present != y->present)
        return x->present > y->present ? -1 : 1;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

#define N_SEL_ARRAYS 8

/* select_candidates' filter: its input, and its tasks, runs of units of about as
 * many pairs each. A unit's pairs that pass go to the start of its own pairs' place
 * in `kept` (kept[start[u]..start[u] + n_kept[u])), in the gate's order. */
typedef struct {
    const int32_t *entry_of, *common;
    const char *total, *n_terms, *extra;   /* per entry, strided */
    Py_ssize_t s_total, s_terms, s_extra, n_pairs, n_entries;
    const float *key_w, *found;
    float scale;
    double min_coverage, tolerance, bar, coverage_power, similarity_power;
    const Py_ssize_t *start, *task_at;
    Kept *kept;
    Py_ssize_t *n_kept;
} Filter;

typedef struct { const Filter *in; const char *error; } FilterPart;

static void
filter_units(void *worker, Py_ssize_t task)
{
    FilterPart *part = worker;
    const Filter *in = part->in;
    for (Py_ssize_t u = in->task_at[task]; u < in->task_at[task + 1] && !part->error; u++) {
        Kept *kept = in->kept + in->start[u];
        Py_ssize_t n = 0;
        for (Py_ssize_t i = in->start[u]; i < in->start[u + 1]; i++) {
            int32_t e = in->entry_of[i];
#ifdef __GNUC__   /* the entries' totals and counts are far apart in memory: ask for them ahead */
            if (i + SELECT_AHEAD < in->n_pairs) {
                Py_ssize_t ahead = within(in->entry_of[i + SELECT_AHEAD], in->n_entries);
                __builtin_prefetch(in->total + ahead * in->s_total);
                __builtin_prefetch(in->n_terms + ahead * in->s_terms);   /* the same line where */
                __builtin_prefetch(in->extra + ahead * in->s_extra);     /* they are one record's */
            }
#endif
            if (e < 0 || e >= in->n_entries) {
                part->error = "select_candidates: an entry out of range";
                break;
            }
            float present = in->found[i] * in->scale;
            double t;
            int32_t c, n_claim;   /* memcpy: a stride need not keep them aligned */
            memcpy(&t, in->total + e * in->s_total, sizeof t);
            memcpy(&c, in->extra + e * in->s_extra, sizeof c);
            memcpy(&n_claim, in->n_terms + e * in->s_terms, sizeof n_claim);
            c += in->common[i];
            double sim = 2.0 * c / (double)(n_claim + c);
            double cov = (double)present / t;
            cov = cov <= 1.0 || cov != cov ? cov : 1.0;   /* np.minimum: NaN stays */
            double best = 100.0 * fast_power(cov, in->coverage_power) * fast_power(sim, in->similarity_power);
            if ((double)present >= in->min_coverage * t - in->tolerance && best >= in->bar) {
                if (in->key_w[i] != in->key_w[i]) {   /* the sort's order would not be one */
                    part->error = "select_candidates: a key weight is NaN";
                    break;
                }
                kept[n] = (Kept){best, present, in->key_w[i], e, (int32_t)n};
                n++;
            }
        }
        in->n_kept[u] = n;
    }
}

PyDoc_STRVAR(select_candidates_doc,
"select_candidates(unit_of, entry_of, key_w, found, common, total, n_terms, extra, n_units,\n"
"                  slack, min_coverage, tolerance, bar, coverage_power, similarity_power,\n"
"                  cut, cap, threads=1) -> list of lists\n\n"
"claim_index._candidates' exact filter and order, per unit (unit_of ascending): pair i\n"
"passes if present = found[i] * slack (float32) >= min_coverage * total[e] - tolerance\n"
"and best = 100 * min(present / total[e], 1) ** coverage_power * sim ** similarity_power\n"
">= bar, sim = 2 * c / (n_terms[e] + c), c = common[i] + extra[e], e = entry_of[i].\n"
"A unit's pairs are put in order if cut (most key weight first) or if more than cap\n"
"pass in all (best first, then most present weight, then the key weight if cut), the\n"
"gate's order last; the first cap are its list. Exponents 0.5, 1 and 2 only.\n"
"The filter's units are shared by `threads` threads (1 to 8; the GIL released): the\n"
"same lists whatever their number. Index arrays are int32, key_w, found float32, total float64; total, n_terms and\n"
"extra may be strided (the fields of one structured array: one cache line an entry).");

/* select_candidates' input as plain C. by_bound: -1 to order by the bound where more
 * than `cap` pairs pass in all, else 0 or 1 as given (a page cut in parts: the whole
 * page's). */
typedef struct {
    const int32_t *unit_of, *entry_of, *common;
    const float *key_w, *found;
    const char *total, *n_terms, *extra;   /* per entry, strided */
    Py_ssize_t s_total, s_terms, s_extra, n_pairs, n_entries, n_units, cap;
    double slack, min_coverage, tolerance, bar, coverage_power, similarity_power;
    int cut, by_bound, threads;
} SelectIn;

/* Unit u's list: entry[ptr[u]..ptr[u + 1]), in its own memory; kept: the pairs that
 * passed the filter, before the cap. */
typedef struct {
    Py_ssize_t *ptr;
    int32_t *entry;
    Py_ssize_t kept;
    int by_bound;
} SelectOut;

static void
select_out_free(SelectOut *out)
{
    PyMem_RawFree(out->ptr);
    PyMem_RawFree(out->entry);
    *out = (SelectOut){NULL};
}

/* select_candidates without the GIL: NULL, or the error ("" for no memory; out is
 * then empty). */
static const char *
select_run(const SelectIn *in, SelectOut *out)
{
    Py_ssize_t n_units = in->n_units, n_pairs = in->n_pairs, cap = in->cap;
    const int32_t *unit_of = in->unit_of;
    int threads = in->threads;
    const char *error = NULL;
    Kept *kept = NULL;
    Py_ssize_t *start = NULL, *n_kept = NULL;

    *out = (SelectOut){NULL};
    if (n_units < 0 || cap < 0)
        return "select_candidates: array lengths do not match";
    for (int k = 0; k < 2; k++) {
        double p = k ? in->similarity_power : in->coverage_power;
        if (p != 0.5 && p != 1.0 && p != 2.0)
            return "select_candidates: an exponent other than 0.5, 1 or 2";
    }
    if (threads < 1 || threads > MAX_THREADS)
        return "select_candidates: threads must be 1 to 8";
    kept = PyMem_RawMalloc(sizeof(Kept) * (n_pairs ? n_pairs : 1));
    start = PyMem_RawMalloc(sizeof(Py_ssize_t) * (n_units + 1));
    n_kept = PyMem_RawMalloc(sizeof(Py_ssize_t) * (n_units ? n_units : 1));
    out->ptr = PyMem_RawMalloc(sizeof(Py_ssize_t) * (n_units + 1));
    if (!kept || !start || !n_kept || !out->ptr) {
        error = "";
        goto done;
    }
    /* Each unit's pairs: start[u]..start[u + 1] (unit_of checked ascending, in range). */
    start[0] = 0;
    for (Py_ssize_t i = 0, u = 0; i <= n_pairs; i++) {
        Py_ssize_t next = i < n_pairs ? unit_of[i] : n_units;
        if (next < u || next > n_units || (i < n_pairs && next == n_units)) {
            error = "select_candidates: a unit out of order or range";
            goto done;
        }
        for (; u < next; u++)
            start[u + 1] = i;
    }

    /* The filter, a task's units at a time. */
    Py_ssize_t task_at[MAX_TASKS + 1];
    Py_ssize_t n_tasks = threads == 1 || n_units < 2 ? 1 : MAX_TASKS / MAX_THREADS * threads;
    if (n_tasks > n_units && n_units > 0)
        n_tasks = n_units;
    balance(start, n_units, n_tasks, task_at);
    Filter filter = {in->entry_of, in->common, in->total, in->n_terms, in->extra, in->s_total, in->s_terms,
                     in->s_extra, n_pairs, in->n_entries, in->key_w, in->found,
                     (float)in->slack /* numpy: a float32 array times a Python float */,
                     in->min_coverage, in->tolerance, in->bar, in->coverage_power, in->similarity_power,
                     start, task_at, kept, n_kept};
    FilterPart parts[MAX_THREADS];
    for (int k = 0; k < threads; k++)
        parts[k] = (FilterPart){&filter, NULL};
    run_tasks(filter_units, n_tasks, (char *)parts, sizeof(FilterPart), threads);
    for (int k = 0; k < threads; k++)
        if (parts[k].error) {
            error = parts[k].error;
            goto done;
        }
    Py_ssize_t total_kept = 0;
    for (Py_ssize_t u = 0; u < n_units; u++)
        total_kept += n_kept[u];
    /* Each unit's order: the keys sorted on (see kept_order), then its list. */
    int cut = in->cut, by_bound = in->by_bound < 0 ? total_kept > cap : in->by_bound;
    Py_ssize_t listed = 0;
    out->ptr[0] = 0;
    for (Py_ssize_t u = 0; u < n_units; u++) {
        Kept *run = kept + start[u];
        Py_ssize_t n = n_kept[u];
        if (cut || by_bound) {
            for (Py_ssize_t j = 0; j < n; j++) {
                if (!cut)
                    run[j].key = 0.0f;
                if (!by_bound) {
                    run[j].best = 0.0;
                    run[j].present = 0.0f;
                }
            }
            qsort(run, n, sizeof(Kept), kept_order);
        }
        listed += n < cap ? n : cap;
        out->ptr[u + 1] = listed;
    }
    out->entry = PyMem_RawMalloc(sizeof(int32_t) * (listed ? listed : 1));
    if (!out->entry) {
        error = "";
        goto done;
    }
    for (Py_ssize_t u = 0; u < n_units; u++)
        for (Py_ssize_t j = 0; j < out->ptr[u + 1] - out->ptr[u]; j++)
            out->entry[out->ptr[u] + j] = kept[start[u] + j].entry;
    out->kept = total_kept;
    out->by_bound = by_bound;
done:
    if (error)
        select_out_free(out);
    PyMem_RawFree(kept);
    PyMem_RawFree(start);
    PyMem_RawFree(n_kept);
    return error;
}

/* The lists of `out` (n_units of them) as Python lists of ints. */
static PyObject *
select_lists(const SelectOut *out, Py_ssize_t n_units)
{
    PyObject *result = PyList_New(n_units);
    for (Py_ssize_t u = 0; result && u < n_units; u++) {
        Py_ssize_t a = out->ptr[u], length = out->ptr[u + 1] - a;
        PyObject *list = PyList_New(length);
        if (!list) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, u, list);
        for (Py_ssize_t j = 0; j < length; j++) {
            PyObject *entry = PyLong_FromLong(out->entry[a + j]);
            if (!entry) {
                Py_CLEAR(result);
                break;
            }
            PyList_SET_ITEM(list, j, entry);
        }
    }
    return result;
}

/* The per-entry arrays of select_candidates' arguments (total, n_terms, extra, from
 * views[0..3) with their strides) into `in`; -1 if their lengths differ. */
static int
select_entries(SelectIn *in, const Py_buffer *views, const Py_ssize_t *stride)
{
    in->total = views[0].buf;
    in->n_terms = views[1].buf;
    in->extra = views[2].buf;
    in->s_total = stride[0];
    in->s_terms = stride[1];
    in->s_extra = stride[2];
    in->n_entries = views[0].shape[0];
    return views[1].shape[0] == in->n_entries && views[2].shape[0] == in->n_entries ? 0 : -1;
}

static PyObject *
select_candidates(PyObject *self, PyObject *args)
{
    static const char *names[N_SEL_ARRAYS] = {"unit_of", "entry_of", "key_w", "found", "common",
                                              "total", "n_terms", "extra"};
    static const char codes[N_SEL_ARRAYS] = "iiffidii";
    PyObject *objs[N_SEL_ARRAYS];
    Py_buffer views[N_SEL_ARRAYS];
    SelectIn in = {.by_bound = -1, .threads = 1};
    int got = 0;
    PyObject *result = NULL;

    if (!PyArg_ParseTuple(args, "OOOOOOOOnddddddpn|i:select_candidates", &objs[0], &objs[1], &objs[2],
                          &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &in.n_units, &in.slack,
                          &in.min_coverage, &in.tolerance, &in.bar, &in.coverage_power,
                          &in.similarity_power, &in.cut, &in.cap, &in.threads))
        return NULL;
    Py_ssize_t stride[N_SEL_ARRAYS];   /* in bytes, of the per-entry arrays */
    for (; got < N_SEL_ARRAYS; got++)
        if ((got < 5 ? get_array(objs[got], &views[got], codes[got], 0, names[got])
                     : get_strided(objs[got], &views[got], codes[got], names[got], &stride[got])) < 0)
            goto done;
    in.unit_of = views[0].buf;
    in.entry_of = views[1].buf;
    in.key_w = views[2].buf;
    in.found = views[3].buf;
    in.common = views[4].buf;
    in.n_pairs = views[0].shape[0];
    for (int k = 1; k < 5; k++)
        if (views[k].shape[0] != in.n_pairs) {
            PyErr_SetString(PyExc_ValueError, "select_candidates: array lengths do not match");
            goto done;
        }
    if (select_entries(&in, views + 5, stride + 5) < 0) {
        PyErr_SetString(PyExc_ValueError, "select_candidates: array lengths do not match");
        goto done;
    }
    SelectOut out;
    const char *error;
    Py_BEGIN_ALLOW_THREADS
    error = select_run(&in, &out);
    Py_END_ALLOW_THREADS
    if (error) {
        set_error(error);
        goto done;
    }
    result = select_lists(&out, in.n_units);
    select_out_free(&out);
done:
    while (got-- > 0)
        PyBuffer_Release(&views[got]);
    return result;
}

/* ---- a page part's candidates in a thread of its own (claim_index.Retrieval)
 *
 * The gate, present_weights and the selection of one part of a page, run one
 * after the other without the GIL, by the process's job thread while the calling
 * thread analyses the page's next part in Python (or by the calling thread, when
 * asked for the lists first). The job thread is started at the first job and kept
 * (one a process, waiting on a condition variable when idle); it never touches a
 * Python object, so it never waits for the GIL, which the calling thread holds while
 * it analyses: a Python thread that did this work would take the GIL back after
 * each kernel and wait up to the switch interval (5 ms) each time. */

#define N_JOB_ARRAYS 17

enum { JOB_NEW, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

typedef struct Job {
    PyObject_HEAD
    Py_buffer views[N_JOB_ARRAYS];
    int got;
    GateIn gate;
    Present present;     /* its pairs filled in by job_run */
    SelectIn select;
    Py_ssize_t threaded_records, threaded_pairs;
    int threads;
    GateOut gate_out;
    SelectOut out;
    const char *error;
    int state;           /* under job_lock once queued */
    struct Job *next;    /* in the queue */
} Job;

/* The part's lists, without the GIL: the gate, each pair's present weight, the
 * selection. Threads as _candidates gives them (THREADED_RECORDS, THREADED_PAIRS). */
static void
job_run(Job *j)
{
    GateIn gate = j->gate;
    int32_t *unit_of = NULL, *common = NULL;
    float *found = NULL;
    Py_ssize_t n_units = gate.n_up - 1, size = 0;
    j->error = NULL;
    j->gate_out = (GateOut){NULL};
    j->out = (SelectOut){NULL};
    /* The records a unit-by-unit walk would read (each unit's rows checked here, as
     * the gate checks them, before rp is read at them). */
    for (Py_ssize_t jj = 0; jj < gate.n_uj; jj++) {
        int32_t r = gate.uj[jj];
        if (r < 0 || r + 1 >= gate.n_rp) {
            j->error = "key_gate: uj out of range or a unit's rows not ascending";
            return;
        }
        size += gate.rp[r + 1] - gate.rp[r];
    }
    gate.threads = size >= j->threaded_records ? j->threads : 1;
    if ((j->error = gate_pairs(&gate, &j->gate_out)))
        return;
    GateOut *g = &j->gate_out;
    int threads = g->n >= j->threaded_pairs ? j->threads : 1;
    unit_of = PyMem_RawMalloc(sizeof(int32_t) * (g->n ? g->n : 1));
    found = PyMem_RawMalloc(sizeof(float) * (g->n ? g->n : 1));
    common = PyMem_RawMalloc(sizeof(int32_t) * (g->n ? g->n : 1));
    if (!unit_of || !found || !common) {
        j->error = "";
        goto done;
    }
    for (Py_ssize_t u = 0; u < n_units; u++)
        for (int32_t i = g->ptr[u]; i < g->ptr[u + 1]; i++)
            unit_of[i] = (int32_t)u;
    Present present = j->present;
    present.unit_of = unit_of;
    present.entry_of = g->entry;
    present.present = found;
    present.common = common;
    present.n_pairs = g->n;
    if ((j->error = present_run(&present, threads)))
        goto done;
    SelectIn select = j->select;
    select.unit_of = unit_of;
    select.entry_of = g->entry;
    select.common = common;
    select.key_w = g->weight;
    select.found = found;
    select.n_pairs = g->n;
    select.n_units = n_units;
    select.cut = g->cut;
    select.threads = threads;
    j->error = select_run(&select, &j->out);
done:
    PyMem_RawFree(unit_of);
    PyMem_RawFree(found);
    PyMem_RawFree(common);
    PyMem_RawFree(g->entry);   /* only its total and cut are kept */
    PyMem_RawFree(g->weight);
    PyMem_RawFree(g->ptr);
    g->entry = g->ptr = NULL;
    g->weight = NULL;
}

#ifdef HAVE_THREADS
static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t job_wake = PTHREAD_COND_INITIALIZER;   /* a job queued */
static pthread_cond_t job_done = PTHREAD_COND_INITIALIZER;   /* a job done */
static Job *queue_head, *queue_tail, *job_running;
static int worker_started;

static void *
job_worker(void *arg)
{
    pthread_mutex_lock(&job_lock);
    for (;;) {
        while (!queue_head)
            pthread_cond_wait(&job_wake, &job_lock);
        Job *j = queue_head;
        queue_head = j->next;
        if (!queue_head)
            queue_tail = NULL;
        j->state = JOB_RUNNING;
        job_running = j;
        pthread_mutex_unlock(&job_lock);
        job_run(j);
        pthread_mutex_lock(&job_lock);
        j->state = JOB_DONE;
        job_running = NULL;
        pthread_cond_broadcast(&job_done);
    }
    return NULL;
}

/* In a child process (fork), the job thread is gone with the jobs it had: they go
 * back to new, to be run by whoever asks for their lists, and the next job starts a
 * thread of the child's own. */
static void
jobs_after_fork(void)
{
    pthread_mutex_init(&job_lock, NULL);
    pthread_cond_init(&job_wake, NULL);
    pthread_cond_init(&job_done, NULL);
    for (Job *j = queue_head; j; j = j->next)
        j->state = JOB_NEW;
    if (job_running)
        job_running->state = JOB_NEW;
    queue_head = queue_tail = job_running = NULL;
    worker_started = 0;
}

/* Queues the job for the job thread, started if need be; it stays new (and is run
 * by the calling thread) if no thread can be started. */
static void
job_queue(Job *j)
{
    pthread_mutex_lock(&job_lock);
    if (!worker_started) {
        pthread_t tid;
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) == 0) {
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            worker_started = pthread_create(&tid, &attr, job_worker, NULL) == 0;
            pthread_attr_destroy(&attr);
        }
    }
    if (worker_started) {
        j->state = JOB_QUEUED;
        j->next = NULL;
        if (queue_tail)
            queue_tail->next = j;
        else
            queue_head = j;
        queue_tail = j;
        pthread_cond_signal(&job_wake);
    }
    pthread_mutex_unlock(&job_lock);
}
#endif

#ifdef HAVE_THREADS
/* Takes a queued job out of the queue (job_lock held): it is new again. */
static void
job_unqueue(Job *j)
{
    Job **at = &queue_head, *prev = NULL;
    while (*at != j) {
        prev = *at;
        at = &(*at)->next;
    }
    *at = j->next;
    if (queue_tail == j)
        queue_tail = prev;
    j->state = JOB_NEW;
}

/* Waits until the job is done (job_lock held). */
static void
job_wait_done(Job *j)
{
    while (j->state != JOB_DONE)
        pthread_cond_wait(&job_done, &job_lock);
}
#endif

/* Runs the job here if it is new or still queued (taken out of the queue: the caller
 * and the job thread then share the page's last parts), else waits for the thread
 * running it to finish (the GIL released either way). */
static void
job_wait(Job *j)
{
    Py_BEGIN_ALLOW_THREADS
#ifdef HAVE_THREADS
    pthread_mutex_lock(&job_lock);
    if (j->state == JOB_QUEUED)
        job_unqueue(j);
    int mine = j->state == JOB_NEW;
    if (mine)
        j->state = JOB_RUNNING;   /* the job thread never sees it: it is not queued */
    else
        job_wait_done(j);
    pthread_mutex_unlock(&job_lock);
    if (mine) {
        job_run(j);
        pthread_mutex_lock(&job_lock);
        j->state = JOB_DONE;
        pthread_cond_broadcast(&job_done);   /* another thread may wait in finish() */
        pthread_mutex_unlock(&job_lock);
    }
#else
    if (j->state == JOB_NEW) {
        job_run(j);
        j->state = JOB_DONE;
    }
#endif
    Py_END_ALLOW_THREADS
}

/* A job dropped unfinished (a page whose analysis raised) is not run: taken out of the
 * queue if it waits there; only one that a thread is running is waited for, since that
 * thread reads its buffers. */
static void
job_dealloc(Job *j)
{
#ifdef HAVE_THREADS
    pthread_mutex_lock(&job_lock);
    if (j->state == JOB_QUEUED) {
        job_unqueue(j);
        j->state = JOB_DONE;
    }
    int running = j->state == JOB_RUNNING;
    pthread_mutex_unlock(&job_lock);
    if (running) {
        Py_BEGIN_ALLOW_THREADS
        pthread_mutex_lock(&job_lock);
        job_wait_done(j);
        pthread_mutex_unlock(&job_lock);
        Py_END_ALLOW_THREADS
    }
#endif
    select_out_free(&j->out);
    while (j->got-- > 0)
        PyBuffer_Release(&j->views[j->got]);
    PyObject_Free(j);
}

PyDoc_STRVAR(job_finish_doc,
"finish() -> (lists, passed, cut, kept, by_bound)\n\n"
"The part's candidate lists (one per unit), run here if the job thread has not\n"
"taken it: the pairs that passed the gate before its cut, whether it cut, the\n"
"pairs that passed the filter before the cap, and whether they were ordered by\n"
"their bound. ValueError on bad input (as the kernels), MemoryError.");

static PyObject *
job_finish(Job *j, PyObject *unused)
{
    job_wait(j);   /* also when done: the state is read under the job thread's lock */
    if (j->error) {
        set_error(j->error);
        return NULL;
    }
    PyObject *lists = select_lists(&j->out, j->gate.n_up - 1);
    if (!lists)
        return NULL;
    return Py_BuildValue("(NnOnO)", lists, j->gate_out.total, j->gate_out.cut ? Py_True : Py_False,
                         j->out.kept, j->out.by_bound ? Py_True : Py_False);
}

static PyObject *
job_is_done(Job *j, PyObject *unused)
{
    int done;
#ifdef HAVE_THREADS
    /* No thread holds the lock while it waits for the GIL: taken with the GIL held. */
    pthread_mutex_lock(&job_lock);
    done = j->state == JOB_DONE;
    pthread_mutex_unlock(&job_lock);
#else
    done = j->state == JOB_DONE;
#endif
    return PyBool_FromLong(done);
}

static PyMethodDef job_methods[] = {
    {"finish", (PyCFunction)job_finish, METH_NOARGS, job_finish_doc},
    {"done", (PyCFunction)job_is_done, METH_NOARGS, "done() -> whether the lists are ready."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject JobType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "claimnotes._retrieval.Job",
    .tp_basicsize = sizeof(Job),
    .tp_dealloc = (destructor)job_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A page part's candidate lists, being computed (see candidates()).",
    .tp_methods = job_methods,
};

PyDoc_STRVAR(candidates_doc,
"candidates(up, uj, rp, re, rk, rb, bv, kr, kw, n_entries, block, k, cut,\n"
"           fp, fj, fx, qp, qj, total, n_terms, extra, slack, min_coverage, tolerance, bar,\n"
"           coverage_power, similarity_power, cap, by_bound, threads, threaded_records,\n"
"           threaded_pairs, background) -> Job\n\n"
"key_gate (its first 9 arrays and 3 numbers; cut: -1 decides, 0 or 1 as given), then\n"
"present_weights of its pairs (fp..qj), then select_candidates of them (its per-entry\n"
"arrays and numbers; by_bound: -1 decides, 0 or 1 as given), as one job: queued for\n"
"the process's job thread if background, else run by Job.finish(). Each kernel\n"
"uses `threads` threads where it has threaded_records records or threaded_pairs\n"
"pairs, else one. The arrays are held until the job is freed.");

static PyObject *
candidates(PyObject *self, PyObject *args)
{
    static const char *names[N_JOB_ARRAYS] = {"up", "uj", "rp", "re", "rk", "rb", "bv", "kr", "kw",
                                              "fp", "fj", "fx", "qp", "qj", "total", "n_terms", "extra"};
    static const char codes[N_JOB_ARRAYS] = "iiiifi-ifiifiidii";
    PyObject *objs[N_JOB_ARRAYS];
    Py_ssize_t stride[3];
    int wide = 0, background;
    Job *j = PyObject_New(Job, &JobType);
    if (!j)
        return NULL;
    j->got = 0;
    j->state = JOB_DONE;   /* until it is ready: the dealloc of a failed one waits for nothing */
    j->error = NULL;
    j->out = (SelectOut){NULL};
    j->gate_out = (GateOut){NULL};
    j->gate = (GateIn){.threads = 1};
    j->present = (Present){NULL};
    j->select = (SelectIn){.threads = 1};
    if (!PyArg_ParseTuple(args, "OOOOOOOOOnnniOOOOOOOOddddddniinnp:candidates", &objs[0], &objs[1],
                          &objs[2], &objs[3], &objs[4], &objs[5], &objs[6], &objs[7], &objs[8],
                          &j->gate.n_col, &j->gate.block, &j->gate.top, &j->gate.cut, &objs[9],
                          &objs[10], &objs[11], &objs[12], &objs[13], &objs[14], &objs[15], &objs[16],
                          &j->select.slack, &j->select.min_coverage, &j->select.tolerance, &j->select.bar,
                          &j->select.coverage_power, &j->select.similarity_power, &j->select.cap,
                          &j->select.by_bound, &j->threads, &j->threaded_records, &j->threaded_pairs,
                          &background))
        goto failed;
    for (; j->got < N_JOB_ARRAYS; j->got++) {
        int k = j->got;
        if ((k == KEYS ? get_keys(objs[k], &j->views[k], &wide)
                       : k >= 14 ? get_strided(objs[k], &j->views[k], codes[k], names[k], &stride[k - 14])
                                 : get_array(objs[k], &j->views[k], codes[k], 0, names[k])) < 0)
            goto failed;
    }
    Py_buffer *v = j->views;
    j->gate.up = v[0].buf;
    j->gate.uj = v[1].buf;
    j->gate.n_up = v[0].shape[0];
    j->gate.n_uj = v[1].shape[0];
    gate_records(&j->gate, v + 2, wide);
    j->present = (Present){.fp = v[9].buf, .fj = v[10].buf, .fx = v[11].buf, .qp = v[12].buf, .qj = v[13].buf,
                           .n_fp = v[9].shape[0], .n_fj = v[10].shape[0], .n_qp = v[12].shape[0],
                           .n_qj = v[13].shape[0]};
    if (v[11].shape[0] != j->present.n_fj || select_entries(&j->select, v + 14, stride) < 0
            || j->present.n_qp != j->gate.n_up) {
        PyErr_SetString(PyExc_ValueError, "candidates: array lengths do not match");
        goto failed;
    }
    if (j->gate.cut < -1 || j->gate.cut > 1 || j->select.by_bound < -1 || j->select.by_bound > 1) {
        PyErr_SetString(PyExc_ValueError, "candidates: cut and by_bound must be -1, 0 or 1");
        goto failed;
    }
    if (j->threads < 1 || j->threads > MAX_THREADS) {
        PyErr_SetString(PyExc_ValueError, "candidates: threads must be 1 to 8");
        goto failed;
    }
    j->state = JOB_NEW;
#ifdef HAVE_THREADS
    if (background)
        job_queue(j);
#endif
    return (PyObject *)j;
failed:
    Py_DECREF(j);
    return NULL;
}

static PyMethodDef methods[] = {
    {"key_gate", key_gate, METH_VARARGS, key_gate_doc},
    {"block_gate", block_gate, METH_VARARGS, block_gate_doc},
    {"present_weights", present_weights, METH_VARARGS, present_weights_doc},
    {"query_rows", query_rows, METH_VARARGS, query_rows_doc},
    {"select_candidates", select_candidates, METH_VARARGS, select_candidates_doc},
    {"candidates", candidates, METH_VARARGS, candidates_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "claimnotes._retrieval",
    "ClaimIndex's key gate and exact pre-filter compiled (see claim_index).", -1, methods,
};

PyMODINIT_FUNC
PyInit__retrieval(void)
{
    make_crc_table();
    if (!termset_name && !(termset_name = PyUnicode_InternFromString("termset")))
        return NULL;
    if (PyType_Ready(&JobType) < 0)
        return NULL;
#ifdef HAVE_THREADS
    static int at_fork;
    if (!at_fork && pthread_atfork(NULL, NULL, jobs_after_fork) != 0) {
        PyErr_SetString(PyExc_OSError, "pthread_atfork failed");
        return NULL;
    }
    at_fork = 1;
#endif
    return PyModule_Create(&module);
}
