/* Sentence splitting compiled: sentences.split_sentences_py, span for span.
 *
 * split_sentences(text, rules) finds the candidate breaks of sentences._BREAK_RE,
 * decides each one as the Python loop does, then trims each sentence the same way.
 * The rules tuple comes from sentences.py (see _C_RULES there):
 *   (stops, closers, emoji, bullet_marks, bullet_match, label_match, abbreviations,
 *    edge_keep, trail_keep, headline_words, attribution_words, sign_off_match,
 *    rule_line_match, rule_chars, attributed_line_match, speech_match)
 * _BULLET_RE, _LABEL_RE, _SIGN_OFF_RE, _RULE_LINE_RE, _ATTRIBUTED_LINE_RE and _SPEECH_RE
 * stay Python regexes, called back (their .match) only where they can match: a bullet
 * needs one of bullet_marks, a digit or "(" after its spaces and tabs, a label a colon or
 * a lower-case ASCII letter first (a user name), a sign-off a dash after a
 * stop on its line, a rule line one of rule_chars first, an attributed line a long line
 * before a capital, a speech a colon in the sentence. The abbreviation set is read
 * as it is.
 *
 * Unlike the Python code, every scan here is linear in the text: line starts are
 * tracked forward instead of searched backwards, and a run of stops, emoji, spaces
 * or tabs that fails a rule from its first character is not tried again from each
 * later one (the rule reads the same characters from there).
 * Bad arguments raise TypeError or ValueError.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

/* Classes of the ASCII characters: str.isspace and str.isalnum (filled from the
 * Py_UNICODE_ macros at import), and the rules' character sets (per call). */
enum { SPACE = 1, ALNUM = 2, STOP = 4, CLOSER = 8, MARK = 16, EDGE_KEEP = 32, TRAIL_KEEP = 64 };
static unsigned char ascii_class[128];

#define ISSPACE(ch) ((ch) < 128 ? ascii_class[ch] & SPACE : Py_UNICODE_ISSPACE(ch))
#define ISALNUM(ch) ((ch) < 128 ? ascii_class[ch] & ALNUM : Py_UNICODE_ISALNUM(ch))

static Text
text_of(PyObject *str)
{
    Text t = {PyUnicode_KIND(str), PyUnicode_DATA(str), PyUnicode_GET_LENGTH(str)};
    return t;
}

/* Is ch one of the characters of t (a short str of the rules)? */
static int
in_chars(const Text *t, Py_UCS4 ch)
{
    for (Py_ssize_t i = 0; i < t->n; i++)
        if (AT(t, i) == ch)
            return 1;
    return 0;
}

/* Is ch one of the ASCII characters of set? */
static inline int
in_ascii(const char *set, Py_UCS4 ch)
{
    return ch != 0 && ch < 128 && strchr(set, (int)ch) != NULL;
}

/* The emoji class: a regex class body of single characters and "a-z" ranges. */
#define MAX_RANGES 32
typedef struct {
    Py_UCS4 lo[MAX_RANGES], hi[MAX_RANGES];
    int n;
} Ranges;

static int
parse_ranges(PyObject *str, Ranges *r)
{
    Text t = text_of(str);
    r->n = 0;
    for (Py_ssize_t i = 0; i < t.n; r->n++) {
        if (r->n == MAX_RANGES) {
            PyErr_SetString(PyExc_ValueError, "too many emoji ranges");
            return -1;
        }
        r->lo[r->n] = r->hi[r->n] = AT(&t, i);
        if (i + 2 < t.n && AT(&t, i + 1) == '-') {
            r->hi[r->n] = AT(&t, i + 2);
            i += 3;
        } else {
            i += 1;
        }
    }
    return 0;
}

static int
in_ranges(const Ranges *r, Py_UCS4 ch)
{
    for (int k = 0; k < r->n; k++)
        if (ch >= r->lo[k] && ch <= r->hi[k])
            return 1;
    return 0;
}

/* sre's [^\W\d_]: \w is str.isalnum or "_", so this is str.isalnum less \d. */
static inline int
is_letter(Py_UCS4 ch)
{
    return ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch);
}

typedef struct {
    PyObject *str;
    Text t;
    Text stops, closers, marks, edge_keep, trail_keep, rule_chars;
    Ranges emoji;
    PyObject *bullet_match, *label_match, *abbreviations, *sign_off_match, *rule_line_match;
    PyObject *attributed_line_match, *speech_match;
    Py_ssize_t headline_words, attribution_words;
    unsigned char ascii[128];  /* ascii_class and the rules' classes */
} Split;

/* Is ch in the rule set of class c (one of STOP ... TRAIL_KEEP)? */
static inline int
is(const Split *x, int c, const Text *set, Py_UCS4 ch)
{
    return ch < 128 ? x->ascii[ch] & c : in_chars(set, ch);
}
#define IS_STOP(x, ch) is((x), STOP, &(x)->stops, (ch))
#define IS_CLOSER(x, ch) is((x), CLOSER, &(x)->closers, (ch))
#define IS_MARK(x, ch) is((x), MARK, &(x)->marks, (ch))
#define IS_EDGE_KEEP(x, ch) is((x), EDGE_KEEP, &(x)->edge_keep, (ch))
#define IS_TRAIL_KEEP(x, ch) is((x), TRAIL_KEEP, &(x)->trail_keep, (ch))

static void
fill_classes(Split *x)
{
    memcpy(x->ascii, ascii_class, 128);
    const Text *sets[] = {&x->stops, &x->closers, &x->marks, &x->edge_keep, &x->trail_keep};
    const int classes[] = {STOP, CLOSER, MARK, EDGE_KEEP, TRAIL_KEEP};
    for (int k = 0; k < 5; k++)
        for (Py_ssize_t i = 0; i < sets[k]->n; i++) {
            Py_UCS4 ch = AT(sets[k], i);
            if (ch < 128)
                x->ascii[ch] |= classes[k];
        }
}

/* The start of the line holding position p (text.rfind("\n", 0, p) + 1), for p
 * that grow from call to call: the text is read forward once. */
typedef struct {
    Py_ssize_t pos, start;
} Lines;

static Py_ssize_t
line_start(const Text *t, Lines *l, Py_ssize_t p)
{
    if (p < l->pos) {  /* not reached by the callers; correct anyway */
        l->pos = p;
        for (l->start = p; l->start > 0 && AT(t, l->start - 1) != '\n'; l->start--)
            ;
        return l->start;
    }
    if (t->kind == PyUnicode_1BYTE_KIND) {  /* most pages */
        const char *data = t->data, *nl;
        while ((nl = memchr(data + l->pos, '\n', p - l->pos)) != NULL)
            l->pos = l->start = nl - data + 1;
        l->pos = p;
        return l->start;
    }
    for (; l->pos < p; l->pos++)
        if (AT(t, l->pos) == '\n')
            l->start = l->pos + 1;
    return l->start;
}

static Py_ssize_t
next_nonspace(const Text *t, Py_ssize_t i)
{
    while (i < t->n && ISSPACE(AT(t, i)))
        i++;
    return i;
}

/* len(text[a:b].split()) */
static Py_ssize_t
count_words(const Text *t, Py_ssize_t a, Py_ssize_t b)
{
    Py_ssize_t words = 0;
    int in_word = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        int space = ISSPACE(AT(t, i));
        words += !space && !in_word;
        in_word = !space;
    }
    return words;
}

static int
has_char(const Text *t, Py_UCS4 ch, Py_ssize_t a, Py_ssize_t b)
{
    if (t->kind == PyUnicode_1BYTE_KIND)
        return ch < 256 && a < b && memchr((const char *)t->data + a, (int)ch, b - a) != NULL;
    for (Py_ssize_t i = a; i < b; i++)
        if (AT(t, i) == ch)
            return 1;
    return 0;
}

/* regex.match(text, pos, end).end(), or -1 if no match, -2 on error. */
static Py_ssize_t
match_end(Split *x, PyObject *match, Py_ssize_t pos, Py_ssize_t end)
{
    PyObject *args[3] = {x->str, PyLong_FromSsize_t(pos), PyLong_FromSsize_t(end)};
    PyObject *m = args[1] != NULL && args[2] != NULL ? PyObject_Vectorcall(match, args, 3, NULL) : NULL;
    Py_XDECREF(args[1]);
    Py_XDECREF(args[2]);
    if (m == NULL)
        return -2;
    if (m == Py_None) {
        Py_DECREF(m);
        return -1;
    }
    PyObject *e = PyObject_CallMethod(m, "end", NULL);
    Py_DECREF(m);
    if (e == NULL)
        return -2;
    Py_ssize_t r = PyLong_AsSsize_t(e);
    Py_DECREF(e);
    return r == -1 && PyErr_Occurred() ? -2 : r;
}

/* _BULLET_RE.match(text, pos, end): its end, -1 or -2. Spaces and tabs, then a
 * mark, a digit or "(", or it cannot match (its pattern is [ \t]*(?:[marks]+|\d{1,3}[.)/]|\(\d...). */
static Py_ssize_t
bullet_end(Split *x, Py_ssize_t pos, Py_ssize_t end)
{
    Py_ssize_t i = pos;
    while (i < end && (AT(&x->t, i) == ' ' || AT(&x->t, i) == '\t'))
        i++;
    if (i >= end)
        return -1;
    Py_UCS4 ch = AT(&x->t, i);
    if (!IS_MARK(x, ch) && !Py_UNICODE_ISDECIMAL(ch) && ch != '(')
        return -1;
    return match_end(x, x->bullet_match, pos, end);
}

/* sentences._ends_with_abbreviation: 1, 0, or -1 on error. */
static int
ends_with_abbreviation(Split *x, Py_ssize_t stop)
{
    const Text *t = &x->t;
    if (AT(t, stop) != '.')
        return 0;
    /* _WORD_BEFORE_RE.search(text, lo, stop): (\S+)$, where $ is the end or before
     * a final newline. */
    Py_ssize_t lo = stop > 30 ? stop - 30 : 0, e = stop;
    if (e > lo && AT(t, e - 1) == '\n')
        e--;
    Py_ssize_t s = e;
    while (s > lo && !ISSPACE(AT(t, s - 1)))
        s--;
    if (s == e)
        return 0;
    while (s < e && (in_ascii("(\"'", AT(t, s)) || AT(t, s) == 0x201c || AT(t, s) == 0x2018))
        s++;  /* .lstrip("(\"'\u201c\u2018") */
    int ascii = 1;
    for (Py_ssize_t i = s; i < e && ascii; i++)
        ascii = AT(t, i) < 128;
    PyObject *word;
    if (ascii) {  /* lower case is the ASCII one */
        if ((word = PyUnicode_New(e - s, 127)) == NULL)
            return -1;
        Py_UCS1 *d = PyUnicode_1BYTE_DATA(word);
        for (Py_ssize_t i = s; i < e; i++) {
            Py_UCS4 ch = AT(t, i);
            *d++ = (Py_UCS1)(ch >= 'A' && ch <= 'Z' ? ch | 0x20 : ch);
        }
    } else {
        PyObject *raw = PyUnicode_Substring(x->str, s, e);
        word = raw == NULL ? NULL : PyObject_CallMethod(raw, "lower", NULL);
        Py_XDECREF(raw);
        if (word == NULL)
            return -1;
    }
    int r = PySet_Contains(x->abbreviations, word);
    if (r == 0) {  /* initials: "J. Smith", and dotted forms like "U.S" */
        Py_ssize_t n = PyUnicode_GET_LENGTH(word);
        Py_UCS4 last = n ? PyUnicode_READ_CHAR(word, n - 1) : 0;
        r = (n == 1 && Py_UNICODE_ISALPHA(last))
            || (n >= 3 && PyUnicode_READ_CHAR(word, n - 2) == '.' && Py_UNICODE_ISALPHA(last));
    }
    Py_DECREF(word);
    return r;
}

/* sentences._is_rule_line: 1, 0, or -1 on error. */
static int
is_rule_line(Split *x, Py_ssize_t i)
{
    Py_ssize_t j = next_nonspace(&x->t, i);
    if (j >= x->t.n || !in_chars(&x->rule_chars, AT(&x->t, j)))
        return 0;
    Py_ssize_t e = match_end(x, x->rule_line_match, i, x->t.n);
    return e == -2 ? -1 : e >= 0;
}

/* sentences._is_list_item: 1, 0, or -1 on error. */
static int
is_list_item(Split *x, Py_ssize_t i)
{
    Py_ssize_t b = bullet_end(x, i, x->t.n);
    if (b < 0)
        return b == -1 ? 0 : -1;
    Py_ssize_t end = i;
    while (end < x->t.n && AT(&x->t, end) != '\n')
        end++;
    return count_words(&x->t, b, end) > x->attribution_words;
}

/* The next match of _BREAK_RE from pos, as (*start, *end); 0 if none. The plain form
 * of that regex: [stops]+[closers]*(?=\s|$) | [emoji]+(?=\s) | \u2026(?=[^\W\d_]) | \n */
static int
next_break(Split *x, Py_ssize_t pos, Py_ssize_t *start, Py_ssize_t *end)
{
    const Text *t = &x->t;
    Py_ssize_t n = t->n;
    for (Py_ssize_t i = pos; i < n;) {
        Py_UCS4 ch = AT(t, i);
        if (ch < 128 && ch != '\n' && !(x->ascii[ch] & STOP)) {  /* most characters */
            i++;
            continue;
        }
        if (ch == '\n') {
            *start = i;
            *end = i + 1;
            return 1;
        }
        if (IS_STOP(x, ch)) {
            Py_ssize_t j = i, k;
            while (j < n && IS_STOP(x, AT(t, j)))
                j++;
            for (k = j; k < n && IS_CLOSER(x, AT(t, k)); k++)
                ;
            if (k == n || ISSPACE(AT(t, k))) {
                *start = i;
                *end = k;
                return 1;
            }
            /* Fails from every later stop of the run too (same end); of the run, only
             * a last "\u2026" before a letter is a break. */
            if (j < n && AT(t, j - 1) == 0x2026 && is_letter(AT(t, j))) {
                *start = j - 1;
                *end = j;
                return 1;
            }
            i = k;
            continue;
        }
        if (in_ranges(&x->emoji, ch)) {
            Py_ssize_t k = i;
            while (k < n && in_ranges(&x->emoji, AT(t, k)))
                k++;
            if (k < n && ISSPACE(AT(t, k))) {
                *start = i;
                *end = k;
                return 1;
            }
            i = k;
            continue;
        }
        i++;
    }
    return 0;
}

typedef struct {
    Py_ssize_t *at;
    Py_ssize_t n, size;
} Cuts;

static int
cut(Cuts *c, Py_ssize_t i)
{
    if (c->n == c->size) {
        Py_ssize_t size = c->size * 2;
        Py_ssize_t *at = PyMem_Realloc(c->at, sizeof(Py_ssize_t) * size);
        if (at == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        c->at = at;
        c->size = size;
    }
    c->at[c->n++] = i;
    return 0;
}

/* The decision loop of split_sentences_py: the cuts between sentences. */
static int
find_cuts(Split *x, Cuts *c)
{
    const Text *t = &x->t;
    Py_ssize_t n = t->n, skip_to = 0, ms, me;
    Lines lines = {0, 0};
    if (cut(c, 0) < 0)
        return -1;
    while (next_break(x, skip_to, &ms, &me)) {
        if (AT(t, ms) == '\n') {
            Py_ssize_t nl = ms, after = skip_to = next_nonspace(t, nl + 1);
            if (after >= n)
                continue;
            if (has_char(t, '\n', nl + 1, after)) {  /* blank line: always a break */
                if (cut(c, nl + 1) < 0)
                    return -1;
                continue;
            }
            Py_ssize_t b = bullet_end(x, nl + 1, n);
            if (b == -2)
                return -1;
            if (b >= 0) {
                if (cut(c, nl + 1) < 0)
                    return -1;
                continue;
            }
            Py_ssize_t ls = line_start(t, &lines, nl), le = nl;  /* the line, stripped */
            Py_ssize_t line = ls;
            int rule = is_rule_line(x, ls);  /* the "--" of a signature, either side */
            if (rule == 0)
                rule = is_rule_line(x, after);
            if (rule < 0 || (rule && cut(c, nl + 1) < 0))
                return -1;
            if (rule)
                continue;
            while (ls < le && ISSPACE(AT(t, ls)))
                ls++;
            while (le > ls && ISSPACE(AT(t, le - 1)))
                le--;
            Py_ssize_t words = count_words(t, ls, le);
            Py_UCS4 first = AT(t, after);
            int brk = le > ls && !in_ascii(",;:-", AT(t, le - 1))
                      && (words <= 3 || (Py_UNICODE_ISUPPER(first) && words <= x->headline_words));
            /* a long line that ends with a quote's attribution, before a capital */
            if (!brk && le > ls && !in_ascii(",;:-", AT(t, le - 1)) && Py_UNICODE_ISUPPER(first)) {
                Py_ssize_t e = match_end(x, x->attributed_line_match, line, nl);
                if (e == -2)
                    return -1;
                brk = e >= 0;
            }
            /* a line that introduces the next: "The full post reads:\n\"Thanks ..." */
            brk = brk || (le > ls && AT(t, le - 1) == ':'
                          && (Py_UNICODE_ISUPPER(first) || first == '"' || first == 0x201c));
            if (brk && cut(c, nl + 1) < 0)
                return -1;
            continue;
        }
        Py_ssize_t stop = me - 1;
        while (stop > ms && !IS_STOP(x, AT(t, stop)))
            stop--;
        Py_ssize_t after = skip_to = next_nonspace(t, me);
        if (after >= n)
            continue;
        Py_UCS4 nxt = AT(t, after);
        if (!IS_STOP(x, AT(t, ms))) {  /* emoji run: ends before a word or a tag */
            if (!ISALNUM(nxt) && nxt != '#' && nxt != '@')
                continue;
            if (cut(c, me) < 0)
                return -1;
            continue;
        }
        int dash = nxt == '-' || nxt == 0x2013 || nxt == 0x2014;
        if (dash || nxt == ',' || nxt == ';' || nxt == ':') {
            int item;
            if (has_char(t, '\n', me, after)) {  /* a list item or a rule line */
                if ((item = is_list_item(x, after)) == 0)
                    item = is_rule_line(x, after);
            } else if (dash && me - 1 == stop) {  /* a sign-off; after a quote, an attribution */
                Py_ssize_t e = match_end(x, x->sign_off_match, after, n);
                item = e == -2 ? -1 : e >= 0;
            } else {
                continue;
            }
            if (item < 0)
                return -1;
            if (item && cut(c, me) < 0)
                return -1;
            continue;
        }
        int lower = Py_UNICODE_ISLOWER(nxt);
        if (lower && me - 1 > stop)  /* '"Really?" she asked.' */
            continue;
        int abbreviation = -1;  /* not known yet */
        if (lower && (AT(t, stop) == '.' || AT(t, stop) == 0x2026)) {
            if ((abbreviation = ends_with_abbreviation(x, stop)) < 0)
                return -1;
            if (abbreviation || (stop >= 1 && AT(t, stop - 1) == '.' && AT(t, stop) == '.'))
                continue;
            Py_ssize_t ls = line_start(t, &lines, stop);
            if (ls + 4 >= stop) {
                Py_ssize_t b = bullet_end(x, ls, n);
                if (b == -2)
                    return -1;
                if (b >= 0)
                    continue;
            }
        }
        if (abbreviation < 0 && (abbreviation = ends_with_abbreviation(x, stop)) < 0)
            return -1;
        if (abbreviation && !Py_UNICODE_ISDIGIT(nxt)
                && nxt != '"' && nxt != '\'' && nxt != 0x201c && nxt != 0x2018
                && !(Py_UNICODE_ISUPPER(nxt) && has_char(t, '\n', me, after))) {  /* "U.S.\nAttorney" */
            Py_ssize_t b = bullet_end(x, after, n);
            if (b == -2)
                return -1;
            if (b == -1)  /* "Dr. Smith": no new sentence follows */
                continue;
        }
        if (cut(c, me) < 0)
            return -1;
    }
    return cut(c, n);
}

/* One sentence between two cuts, trimmed as split_sentences_py does: *a == *b if empty. */
static int
trim(Split *x, Lines *lines, Py_ssize_t *pa, Py_ssize_t *pb)
{
    const Text *t = &x->t;
    Py_ssize_t a = *pa, b = *pb;
    while (a < b && ISSPACE(AT(t, a)))
        a++;
    Py_ssize_t ls = line_start(t, lines, a);
    int at_line_start = a - ls < 16;
    for (Py_ssize_t i = ls; i < a && at_line_start; i++)
        at_line_start = !ISALNUM(AT(t, i));
    /* A run of spaces and tabs is skipped at once: a bullet matches from all of it or none. */
    int skip_runs = !IS_EDGE_KEEP(x, ' ') && !IS_EDGE_KEEP(x, '\t');
    while (a < b && !ISALNUM(AT(t, a)) && !IS_EDGE_KEEP(x, AT(t, a))) {
        Py_ssize_t e = bullet_end(x, a, b);
        if (e == -2)
            return -1;
        if (e >= 0)
            break;
        Py_UCS4 ch = AT(t, a++);
        if (skip_runs && (ch == ' ' || ch == '\t'))
            while (a < b && (AT(t, a) == ' ' || AT(t, a) == '\t'))
                a++;
    }
    while (a < b && ISSPACE(AT(t, a)))
        a++;
    if (at_line_start) {
        Py_ssize_t e = bullet_end(x, a, b);
        if (e == -2)
            return -1;
        if (e >= 0)
            a = e;
        int maybe = a < b && AT(t, a) >= 'a' && AT(t, a) <= 'z';  /* a user name's first letter */
        if ((maybe || has_char(t, ':', a, b)) && (e = match_end(x, x->label_match, a, b)) != -1) {
            if (e == -2)
                return -1;
            a = e;
        }
    }
    if (has_char(t, ':', a, b)) {  /* 'He writes: "My grandad ...' whose quote runs on */
        Py_ssize_t e = match_end(x, x->speech_match, a, b);
        if (e == -2)
            return -1;
        if (e >= 0 && !has_char(t, AT(t, e) == '"' ? '"' : 0x201d, e + 1, b))
            a = e;
    }
    while (a < b && !ISALNUM(AT(t, a)) && !IS_EDGE_KEEP(x, AT(t, a)))
        a++;
    while (b > a && !ISALNUM(AT(t, b - 1)) && !IS_TRAIL_KEEP(x, AT(t, b - 1)))
        b--;
    /* An opening quote whose closing quote is in another sentence is not quoted. */
    if (a < b && (AT(t, a) == '"' || AT(t, a) == 0x201c)
            && !has_char(t, '"', a + 1, b) && !has_char(t, 0x201d, a + 1, b))
        a++;
    if (b > a && (AT(t, b - 1) == '"' || AT(t, b - 1) == 0x201d)
            && !has_char(t, '"', a, b - 1) && !has_char(t, 0x201c, a, b - 1))
        b--;
    *pa = a;
    *pb = b;
    return 0;
}

static int
rule_str(PyObject *rules, int k, Text *out)
{
    PyObject *s = PyTuple_GET_ITEM(rules, k);
    if (!PyUnicode_Check(s)) {
        PyErr_Format(PyExc_TypeError, "rule %d must be a str", k);
        return -1;
    }
    *out = text_of(s);
    return 0;
}

PyDoc_STRVAR(split_sentences_doc,
"split_sentences(text, rules) -> list of (start, end)\n\n"
"What sentences.split_sentences_py gives; rules is sentences._C_RULES.");

static PyObject *
split_sentences(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyTuple_Check(args[1]) || PyTuple_GET_SIZE(args[1]) != 16) {
        PyErr_SetString(PyExc_TypeError, "split_sentences(text: str, rules: tuple of 16)");
        return NULL;
    }
    PyObject *rules = args[1];
    Split x = {.str = args[0], .t = text_of(args[0])};
    x.bullet_match = PyTuple_GET_ITEM(rules, 4);
    x.label_match = PyTuple_GET_ITEM(rules, 5);
    x.abbreviations = PyTuple_GET_ITEM(rules, 6);
    x.sign_off_match = PyTuple_GET_ITEM(rules, 11);
    x.rule_line_match = PyTuple_GET_ITEM(rules, 12);
    x.attributed_line_match = PyTuple_GET_ITEM(rules, 14);
    x.speech_match = PyTuple_GET_ITEM(rules, 15);
    if (rule_str(rules, 0, &x.stops) < 0 || rule_str(rules, 1, &x.closers) < 0
            || rule_str(rules, 3, &x.marks) < 0 || rule_str(rules, 7, &x.edge_keep) < 0
            || rule_str(rules, 8, &x.trail_keep) < 0 || rule_str(rules, 13, &x.rule_chars) < 0)
        return NULL;
    if (!PyUnicode_Check(PyTuple_GET_ITEM(rules, 2)) || parse_ranges(PyTuple_GET_ITEM(rules, 2), &x.emoji) < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "the emoji rule must be a str");
        return NULL;
    }
    if (!PyCallable_Check(x.bullet_match) || !PyCallable_Check(x.label_match) || !PyAnySet_Check(x.abbreviations)
            || !PyCallable_Check(x.sign_off_match) || !PyCallable_Check(x.rule_line_match)
            || !PyCallable_Check(x.attributed_line_match) || !PyCallable_Check(x.speech_match)) {
        PyErr_SetString(PyExc_TypeError,
                        "split_sentences: bad bullet_match, label_match, abbreviations, sign_off_match, rule_line_match,"
                        " attributed_line_match or speech_match");
        return NULL;
    }
    fill_classes(&x);
    if ((x.headline_words = PyLong_AsSsize_t(PyTuple_GET_ITEM(rules, 9))) == -1 && PyErr_Occurred())
        return NULL;
    if ((x.attribution_words = PyLong_AsSsize_t(PyTuple_GET_ITEM(rules, 10))) == -1 && PyErr_Occurred())
        return NULL;
    Cuts c = {PyMem_Malloc(sizeof(Py_ssize_t) * 64), 0, 64};
    PyObject *spans = NULL;
    if (c.at == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    if (find_cuts(&x, &c) < 0 || (spans = PyList_New(0)) == NULL)
        goto done;
    Lines lines = {0, 0};
    for (Py_ssize_t k = 0; k + 1 < c.n; k++) {
        Py_ssize_t a = c.at[k], b = c.at[k + 1];
        if (trim(&x, &lines, &a, &b) < 0) {
            Py_CLEAR(spans);
            goto done;
        }
        if (a < b) {
            PyObject *start = PyLong_FromSsize_t(a), *end = PyLong_FromSsize_t(b);
            PyObject *span = start != NULL && end != NULL ? PyTuple_Pack(2, start, end) : NULL;
            Py_XDECREF(start);
            Py_XDECREF(end);
            if (span == NULL || PyList_Append(spans, span) < 0) {
                Py_XDECREF(span);
                Py_CLEAR(spans);
                goto done;
            }
            Py_DECREF(span);
        }
    }
done:
    PyMem_Free(c.at);
    return spans;
}

static PyMethodDef methods[] = {
    {"split_sentences", (PyCFunction)(void (*)(void))split_sentences, METH_FASTCALL, split_sentences_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "claimnotes._sentences",
    "sentences.split_sentences compiled (optional; the same spans).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__sentences(void)
{
    for (Py_UCS4 ch = 0; ch < 128; ch++)
        ascii_class[ch] = (Py_UNICODE_ISSPACE(ch) ? SPACE : 0) | (Py_UNICODE_ISALNUM(ch) ? ALNUM : 0);
    return PyModule_Create(&module);
}
