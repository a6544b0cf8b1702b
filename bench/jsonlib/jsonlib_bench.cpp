// jsonlib_bench: compare Debian 12's JSON libraries on grist's JSONL hot path.
//
// Per line: fully parse/validate the line and locate the top-level "text" string
// (decoded); its decoded length is checked against a reference pass (simdjson DOM).
// Single thread, whole file in memory (plus SIMDJSON_PADDING), lines split with memchr
// inside every timed loop. Reports median of N runs (wall and thread-CPU MB/s).
//
//   jsonlib_bench FILE.jsonl [runs]      benchmark
//   jsonlib_bench --conformance          accept/reject table on tricky lines
//
// Build: see run.sh (g++ -O2, pkg-config for every library).

// jansson and json-c both define json_object_get, json_type, ... (headers AND exported
// symbols), so each library gets its own binary: build with -DUSE_SIMDJSON, -DUSE_JSMN,
// -DUSE_JANSSON, -DUSE_JSONC, -DUSE_CJSON or -DUSE_YAJL. simdjson DOM is linked into
// every binary as the reference for decoded text lengths.
#include <simdjson.h>
#ifdef USE_JSMN
#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>
#endif
#ifdef USE_JANSSON
#include <jansson.h>
#endif
#ifdef USE_JSONC
#include <json-c/json.h>
#endif
#ifdef USE_CJSON
#include <cjson/cJSON.h>
#endif
#ifdef USE_YAJL
#include <yajl/yajl_parse.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

using namespace simdjson;

// status returned by every parse_one: >= 0 decoded text length; these otherwise
enum { R_INVALID = -1, R_NOTEXT = -2 };

struct Lib {
    const char *name, *abbr;
    void (*init)();
    long long (*parse_one)(const char *p, size_t n);   // p[n..n+PADDING) readable
};

// ---------------------------------------------------------------- simdjson DOM
static dom::parser *g_dom;
static void dom_init() { if (!g_dom) g_dom = new dom::parser(); }
static long long dom_parse(const char *p, size_t n) {
    dom::element root;
    if (g_dom->parse((const uint8_t *)p, n, false).get(root)) return R_INVALID;
    std::string_view sv;
    if (root["text"].get_string().get(sv)) return R_NOTEXT;
    return (long long)sv.size();
}

#ifdef USE_SIMDJSON
// ---------------------------------------------------------- simdjson On-Demand
static ondemand::parser *g_od;
static void od_init() { if (!g_od) g_od = new ondemand::parser(); }

// JSON number grammar on the raw token (trailing whitespace allowed). Used instead of
// get_number() so that valid-but-huge numbers (30-digit ints, 1e400), which simdjson's
// number parser rejects with BIGINT_ERROR/NUMBER_ERROR, pass through like any valid JSON.
static bool number_syntax_ok(std::string_view t) {
    size_t i = 0, n = t.size();
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\t' || t[n - 1] == '\r' || t[n - 1] == '\n')) n--;
    auto dig = [&](char c) { return c >= '0' && c <= '9'; };
    if (i < n && t[i] == '-') i++;
    if (i < n && t[i] == '0') i++;
    else if (i < n && dig(t[i])) while (i < n && dig(t[i])) i++;
    else return false;
    if (i < n && t[i] == '.') { i++; if (i == n || !dig(t[i])) return false; while (i < n && dig(t[i])) i++; }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-')) i++;
        if (i == n || !dig(t[i])) return false;
        while (i < n && dig(t[i])) i++;
    }
    return i == n;
}

static error_code od_visit(ondemand::value v, int depth = 1) {
    if (depth > 1000) return DEPTH_ERROR;   // On-Demand 3.0.1 does not enforce max_depth itself
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
    case ondemand::json_type::object: {
        ondemand::object o;
        if (auto e = v.get_object().get(o)) return e;
        for (auto f : o) {
            ondemand::field fld;
            if (auto e = std::move(f).get(fld)) return e;
            std::string_view k;
            if (auto e = fld.unescaped_key().get(k)) return e;
            if (auto e = od_visit(fld.value(), depth + 1)) return e;
        }
        return SUCCESS;
    }
    case ondemand::json_type::array: {
        ondemand::array a;
        if (auto e = v.get_array().get(a)) return e;
        for (auto el : a) {
            ondemand::value x;
            if (auto e = el.get(x)) return e;
            if (auto e = od_visit(x, depth + 1)) return e;
        }
        return SUCCESS;
    }
    case ondemand::json_type::string: { std::string_view s; return v.get_string().get(s); }
    case ondemand::json_type::number: return number_syntax_ok(v.raw_json_token()) ? SUCCESS : NUMBER_ERROR;
    case ondemand::json_type::boolean: { bool b; return v.get_bool().get(b); }
    case ondemand::json_type::null: {
        bool b; if (auto e = v.is_null().get(b)) return e;
        return b ? SUCCESS : INCORRECT_TYPE;
    }
    }
    return INCORRECT_TYPE;
}

// full=true: every value is visited (complete validation); false: only "text" is read
template <bool full>
static long long od_parse(const char *p, size_t n) {
    ondemand::document doc;
    if (g_od->iterate(p, n, n + SIMDJSON_PADDING).get(doc)) return R_INVALID;
    ondemand::object obj;
    if (doc.get_object().get(obj)) return R_INVALID;
    long long res = R_NOTEXT;
    for (auto f : obj) {
        ondemand::field fld;
        if (std::move(f).get(fld)) return R_INVALID;
        std::string_view k;
        if (fld.unescaped_key().get(k)) return R_INVALID;
        ondemand::value v = fld.value();
        if (k == "text" && res == R_NOTEXT) {   // first "text" wins (like DOM at_key)
            ondemand::json_type t;
            if (v.type().get(t)) return R_INVALID;
            if (t == ondemand::json_type::string) {
                std::string_view sv;
                if (v.get_string().get(sv)) return R_INVALID;
                res = (long long)sv.size();
                continue;
            }
        }
        if (full && od_visit(v, 2)) return R_INVALID;
    }
    // 3.0.1 has no document::at_end(); current_location() is OUT_OF_BOUNDS only at the end
    if (doc.current_location().error() != OUT_OF_BOUNDS) return R_INVALID;   // trailing content
    return res;
}

#endif

#ifdef USE_JSMN
// ------------------------------------------------------------------- JSON unescape
// Decode JSON string body s[0..n) into out; returns length or -1 on a bad escape /
// lone surrogate. Does NOT validate UTF-8 (jsmn users must add that separately).
static inline int hex4(const char *s, unsigned *cp) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    *cp = v;
    return 0;
}
static long long json_unescape(const char *s, size_t n, char *out) {
    const char *end = s + n;
    char *o = out;
    while (s < end) {
        const char *bs = (const char *)memchr(s, '\\', end - s);
        size_t run = (bs ? bs : end) - s;
        memcpy(o, s, run); o += run; s += run;
        if (!bs) break;
        if (s + 1 >= end) return -1;
        char c = s[1]; s += 2;
        switch (c) {
        case '"': *o++ = '"'; break;   case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;   case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;  case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;  case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp;
            if (end - s < 4 || hex4(s, &cp)) return -1;
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (end - s < 6 || s[0] != '\\' || s[1] != 'u' || hex4(s + 2, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF) return -1;
                s += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) return -1;
            if (cp < 0x80) *o++ = (char)cp;
            else if (cp < 0x800) { *o++ = 0xC0 | (cp >> 6); *o++ = 0x80 | (cp & 63); }
            else if (cp < 0x10000) { *o++ = 0xE0 | (cp >> 12); *o++ = 0x80 | ((cp >> 6) & 63); *o++ = 0x80 | (cp & 63); }
            else { *o++ = 0xF0 | (cp >> 18); *o++ = 0x80 | ((cp >> 12) & 63); *o++ = 0x80 | ((cp >> 6) & 63); *o++ = 0x80 | (cp & 63); }
            break;
        }
        default: return -1;
        }
    }
    return o - out;
}
static std::vector<char> g_scratch;

// ------------------------------------------------------------------------ jsmn
static std::vector<jsmntok_t> g_tok;
static void jsmn_init_lib() { g_tok.resize(256); g_scratch.resize(1 << 20); }
static long long jsmn_parse_one(const char *p, size_t n) {
    jsmn_parser ps;
    int r;
    for (;;) {
        jsmn_init(&ps);
        r = jsmn_parse(&ps, p, n, g_tok.data(), (unsigned)g_tok.size());
        if (r != JSMN_ERROR_NOMEM) break;
        g_tok.resize(g_tok.size() * 2);
    }
    if (r < 1 || g_tok[0].type != JSMN_OBJECT) return R_INVALID;
    // jsmn stops at the end of the first value; anything but whitespace after it is junk
    for (size_t i = g_tok[0].end; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return R_INVALID;
    if (ps.toksuper != -1) return R_INVALID;   // unclosed
    int i = 1, nkeys = g_tok[0].size;
    for (int k = 0; k < nkeys; k++) {
        jsmntok_t *key = &g_tok[i], *val = &g_tok[i + 1];
        const char *ks = p + key->start;
        int kl = key->end - key->start;
        bool is_text = (kl == 4 && memcmp(ks, "text", 4) == 0);
        if (!is_text && memchr(ks, '\\', kl)) {
            if ((size_t)kl > g_scratch.size()) g_scratch.resize(kl);
            long long dl = json_unescape(ks, kl, g_scratch.data());
            is_text = dl == 4 && memcmp(g_scratch.data(), "text", 4) == 0;
        }
        if (is_text && val->type == JSMN_STRING) {
            size_t vl = val->end - val->start;
            if (vl > g_scratch.size()) g_scratch.resize(vl);
            long long dl = json_unescape(p + val->start, vl, g_scratch.data());
            return dl < 0 ? R_INVALID : dl;
        }
        // skip the value: next token starting at or after its end
        int j = i + 2, end = val->end;
        while (j < r && g_tok[j].start < end) j++;
        i = j;
    }
    return R_NOTEXT;
}

#endif

#ifdef USE_JANSSON
// --------------------------------------------------------------------- jansson
static void jansson_init() {}
static long long jansson_parse(const char *p, size_t n) {
    json_error_t err;
    json_t *root = json_loadb(p, n, JSON_ALLOW_NUL, &err);
    if (!root) return R_INVALID;
    json_t *t = json_object_get(root, "text");
    long long r = (t && json_is_string(t)) ? (long long)json_string_length(t) : R_NOTEXT;
    json_decref(root);
    return r;
}

#endif

#ifdef USE_JSONC
// ---------------------------------------------------------------------- json-c
static json_tokener *g_jc;
static void jsonc_init() {
    if (!g_jc) {
        g_jc = json_tokener_new_ex(1000);
        json_tokener_set_flags(g_jc, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    }
}
static long long jsonc_parse(const char *p, size_t n) {
    json_tokener_reset(g_jc);
    json_object *root = json_tokener_parse_ex(g_jc, p, (int)n);
    if (!root || json_tokener_get_error(g_jc) != json_tokener_success) {
        if (root) json_object_put(root);
        return R_INVALID;
    }
    for (size_t i = json_tokener_get_parse_end(g_jc); i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') { json_object_put(root); return R_INVALID; }
    json_object *t;
    long long r = R_NOTEXT;
    if (json_object_is_type(root, json_type_object) && json_object_object_get_ex(root, "text", &t) &&
        json_object_is_type(t, json_type_string))
        r = json_object_get_string_len(t);
    json_object_put(root);
    return r;
}

#endif

#ifdef USE_CJSON
// ----------------------------------------------------------------------- cJSON
static void cjson_init() {}
static long long cjson_parse(const char *p, size_t n) {
    const char *end = nullptr;
    cJSON *root = cJSON_ParseWithLengthOpts(p, n, &end, 0);
    if (!root) return R_INVALID;
    for (const char *q = end; q < p + n; q++)
        if (*q != ' ' && *q != '\t' && *q != '\r') { cJSON_Delete(root); return R_INVALID; }
    cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "text");
    // cJSON strings are NUL-terminated with no stored length: strlen is all there is
    long long r = cJSON_IsString(t) ? (long long)strlen(t->valuestring) : R_NOTEXT;
    cJSON_Delete(root);
    return r;
}

#endif

#ifdef USE_YAJL
// ------------------------------------------------------------------------ yajl
struct YCtx { int depth; bool pending; long long text; };
static int y_null(void *c) { ((YCtx *)c)->pending = false; return 1; }
static int y_bool(void *c, int) { ((YCtx *)c)->pending = false; return 1; }
static int y_number(void *c, const char *, size_t) { ((YCtx *)c)->pending = false; return 1; }
static int y_string(void *c, const unsigned char *, size_t l) {
    YCtx *y = (YCtx *)c;
    if (y->depth == 1 && y->pending && y->text == R_NOTEXT) y->text = (long long)l;
    y->pending = false;
    return 1;
}
static int y_start(void *c) { YCtx *y = (YCtx *)c; y->pending = false; y->depth++; return 1; }
static int y_key(void *c, const unsigned char *k, size_t l) {
    YCtx *y = (YCtx *)c;
    y->pending = (y->depth == 1 && l == 4 && memcmp(k, "text", 4) == 0);
    return 1;
}
static int y_end(void *c) { ((YCtx *)c)->depth--; return 1; }
static yajl_callbacks g_ycb = {y_null, y_bool, nullptr, nullptr, y_number, y_string,
                               y_start, y_key, y_end, y_start, y_end};
static void yajl_init_lib() {}
static long long yajl_parse_one(const char *p, size_t n) {
    YCtx y = {0, false, R_NOTEXT};
    yajl_handle h = yajl_alloc(&g_ycb, nullptr, &y);   // yajl 2 has no reset: one handle per line
    yajl_status s = yajl_parse(h, (const unsigned char *)p, n);
    if (s == yajl_status_ok) s = yajl_complete_parse(h);
    yajl_free(h);
    if (s != yajl_status_ok) return R_INVALID;
    return y.text;
}

#endif

// ------------------------------------------------------------------ references
static void none_init() {}
static long long none_parse(const char *, size_t) { return 0; }

static Lib g_ref = {"simdjson DOM (reference)", "ref", dom_init, dom_parse};
static Lib g_libs[] = {
#ifdef USE_SIMDJSON
#define JB_STR2(x) #x
#define JB_STR(x) JB_STR2(x)
#define OD_KERNEL JB_STR(SIMDJSON_BUILTIN_IMPLEMENTATION)
#ifndef JB_ONLY_OD   // the -march=haswell build only re-runs the On-Demand rows
    {"memchr line split (reference)", "memchr", none_init, none_parse},
    {"simdjson DOM", "simdjsonDOM", dom_init, dom_parse},
#endif
    {"simdjson On-Demand full [" OD_KERNEL "]", "OD full", od_init, od_parse<true>},
    {"simdjson On-Demand text only [" OD_KERNEL "]", "OD textonly", od_init, od_parse<false>},
#endif
#ifdef USE_JSMN
    {"jsmn (JSMN_STRICT) + own unescape", "jsmn", jsmn_init_lib, jsmn_parse_one},
#endif
#ifdef USE_JANSSON
    {"jansson json_loadb", "jansson", jansson_init, jansson_parse},
#endif
#ifdef USE_JSONC
    {"json-c tokener (STRICT|VALIDATE_UTF8)", "json-c", jsonc_init, jsonc_parse},
#endif
#ifdef USE_CJSON
    {"cJSON ParseWithLengthOpts", "cJSON", cjson_init, cjson_parse},
#endif
#ifdef USE_YAJL
    {"yajl (callbacks)", "yajl", yajl_init_lib, yajl_parse_one},
#endif
};

// ----------------------------------------------------------------------- driver
static double now(clockid_t c) { timespec ts; clock_gettime(c, &ts); return ts.tv_sec + ts.tv_nsec * 1e-9; }

struct RunStats { size_t lines = 0, invalid = 0, notext = 0; long long textbytes = 0; };

static RunStats run_once(const Lib &L, const char *buf, size_t len, std::vector<long long> &out) {
    RunStats st;
    const char *p = buf, *end = buf + len;
    size_t idx = 0;
    while (p < end) {
        const char *nl = (const char *)memchr(p, '\n', end - p);
        size_t n = (nl ? nl : end) - p;
        if (n && p[n - 1] == '\r') n--;
        if (n) {
            long long r = L.parse_one(p, n);
            if (r == R_INVALID) st.invalid++;
            else if (r == R_NOTEXT) st.notext++;
            else st.textbytes += r;
            if (idx < out.size()) out[idx] = r;
            idx++;
            st.lines++;
        }
        p = nl ? nl + 1 : end;
    }
    return st;
}

static int bench(const char *path, int runs) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { perror(path); return 1; }
    off_t sz = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    char *buf = (char *)aligned_alloc(64, ((size_t)sz + SIMDJSON_PADDING + 63) / 64 * 64);
    size_t got = 0;
    while (got < (size_t)sz) {
        ssize_t r = read(fd, buf + got, sz - got);
        if (r <= 0) { perror("read"); return 1; }
        got += r;
    }
    close(fd);
    memset(buf + sz, 0, SIMDJSON_PADDING);
    size_t nlines = 0;
    for (const char *p = buf; (p = (const char *)memchr(p, '\n', buf + sz - p)); p++) nlines++;

    std::vector<long long> ref(nlines + 1), cur(nlines + 1);
    dom_init();
    run_once(g_ref, buf, sz, ref);   // reference decoded lengths (also warms the file)
    if (getenv("JB_HEADER"))
    printf("file %s: %.1f MB, %zu lines; simdjson DOM kernel (runtime dispatch): %s; %d runs, median\n",
           path, sz / 1e6, nlines, get_active_implementation()->name().c_str(), runs);
    if (getenv("JB_HEADER"))
    printf("%-42s %9s %9s %8s %7s %8s %s\n", "library", "wall MB/s", "cpu MB/s", "lines", "invalid",
           "no text", "len!=ref");
    for (const Lib &L : g_libs) {
        L.init();
        std::vector<double> w, c;
        RunStats st;
        for (int r = 0; r < runs; r++) {
            std::fill(cur.begin(), cur.end(), 0);
            double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
            st = run_once(L, buf, sz, cur);
            w.push_back(now(CLOCK_MONOTONIC) - w0);
            c.push_back(now(CLOCK_THREAD_CPUTIME_ID) - c0);
        }
        std::sort(w.begin(), w.end());
        std::sort(c.begin(), c.end());
        size_t mism = 0;
        if (L.parse_one != none_parse)
            for (size_t i = 0; i < nlines; i++) mism += cur[i] != ref[i];
        printf("%-42s %9.0f %9.0f %8zu %7zu %8zu %zu\n", L.name, sz / 1e6 / w[runs / 2],
               sz / 1e6 / c[runs / 2], st.lines, st.invalid, st.notext, mism);
        fflush(stdout);
    }
    free(buf);
    return 0;
}

// ------------------------------------------------------------------ conformance
static int conformance() {
    std::string deep_ok = "{\"text\":\"a\",\"d\":" + std::string(100, '[') + std::string(100, ']') + "}";
    std::string deep_bad = "{\"text\":\"a\",\"d\":" + std::string(1100, '[') + std::string(1100, ']') + "}";
    struct Case { const char *what; std::string line; };
    std::vector<Case> cases = {
        {"valid baseline", "{\"text\":\"ab\"}"},
        {"\\u0000 in text (len 3)", "{\"text\":\"a\\u0000b\"}"},
        {"surrogate pair \\ud83d\\ude00 (len 4)", "{\"text\":\"\\ud83d\\ude00\"}"},
        {"big int 30 digits", "{\"text\":\"a\",\"n\":123456789012345678901234567890}"},
        {"1e400 (overflows double)", "{\"text\":\"a\",\"n\":1e400}"},
        {"depth 100", deep_ok},
        {"dup key text (1st len 1, 2nd len 2)", "{\"text\":\"a\",\"text\":\"bb\"}"},
        {"key escaped t\\u0065xt", "{\"t\\u0065xt\":\"ab\"}"},
        {"invalid UTF-8 \\xff", "{\"text\":\"a\xff\"}"},
        {"UTF-8 surrogate \\xed\\xa0\\x80", "{\"text\":\"\xed\xa0\x80\"}"},
        {"overlong UTF-8 \\xc0\\xaf", "{\"text\":\"\xc0\xaf\"}"},
        {"raw control char 0x01 in string", "{\"text\":\"a\x01" "b\"}"},
        {"raw NUL byte in string", std::string("{\"text\":\"a\0b\"}", 14)},
        {"bad escape \\q", "{\"text\":\"\\q\"}"},
        {"bad \\u12G4", "{\"text\":\"\\u12G4\"}"},
        {"lone surrogate \\ud800", "{\"text\":\"\\ud800\"}"},
        {"in other field: bad escape \\q", "{\"text\":\"a\",\"u\":\"\\q\"}"},
        {"in other field: invalid UTF-8", "{\"text\":\"a\",\"u\":\"\xff\"}"},
        {"number 01", "{\"text\":\"a\",\"n\":01}"},
        {"number 1.", "{\"text\":\"a\",\"n\":1.}"},
        {"number -", "{\"text\":\"a\",\"n\":-}"},
        {"number +1", "{\"text\":\"a\",\"n\":+1}"},
        {"literal tru", "{\"text\":\"a\",\"b\":tru}"},
        {"NaN", "{\"text\":\"a\",\"n\":NaN}"},
        {"trailing comma", "{\"text\":\"a\",}"},
        {"single quotes", "{'text':'a'}"},
        {"comment", "{\"text\":\"a\"/*c*/}"},
        {"trailing garbage", "{\"text\":\"a\"} x"},
        {"two objects", "{\"text\":\"a\"}{\"text\":\"b\"}"},
        {"unclosed", "{\"text\":\"a\""},
        {"depth 1100", deep_bad},
    };
    printf("%-38s", "case \\ library");
    for (size_t k = 0; k < sizeof g_libs / sizeof *g_libs; k++)
        if (g_libs[k].parse_one != none_parse) printf(" | %-12s", g_libs[k].abbr);
    printf("\n");
    for (auto &c : cases) {
        printf("%-38s", c.what);
        for (size_t k = 0; k < sizeof g_libs / sizeof *g_libs; k++) {
            if (g_libs[k].parse_one == none_parse) continue;
            g_libs[k].init();
            std::vector<char> b(c.line.size() + SIMDJSON_PADDING, 0);
            memcpy(b.data(), c.line.data(), c.line.size());
            long long r = g_libs[k].parse_one(b.data(), c.line.size());
            char s[32];
            if (r == R_INVALID) strcpy(s, "reject");
            else if (r == R_NOTEXT) strcpy(s, "ok,no text");
            else snprintf(s, sizeof s, "ok len %lld", r);
            printf(" | %-12s", s);
        }
        printf("\n");
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "--conformance") == 0) return conformance();
    if (argc < 2) { fprintf(stderr, "usage: %s FILE.jsonl [runs] | --conformance\n", argv[0]); return 2; }
    return bench(argv[1], argc > 2 ? atoi(argv[2]) : 3);
}
