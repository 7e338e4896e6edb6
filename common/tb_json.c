#include "tb_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tb_json_init(tb_json *j) { memset(j, 0, sizeof *j); }

void tb_json_free(tb_json *j)
{
    free(j->text);
    memset(j, 0, sizeof *j);
}

static void append(tb_json *j, const char *s, size_t n)
{
    if (j->failed) return;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 1024;
        while (cap < j->len + n + 1) cap *= 2;
        char *grown = realloc(j->text, cap);
        if (!grown) {
            j->failed = 1;
            return;
        }
        j->text = grown;
        j->cap = cap;
    }
    memcpy(j->text + j->len, s, n);
    j->len += n;
    j->text[j->len] = '\0';
}

static void append_str(tb_json *j, const char *s) { append(j, s, strlen(s)); }

/* A value (or key) begins: separate it from the previous one. */
static void before_value(tb_json *j)
{
    if (j->need_comma) append(j, ",", 1);
    j->need_comma = 1;
}

void tb_json_begin_object(tb_json *j)
{
    before_value(j);
    append(j, "{", 1);
    j->need_comma = 0;
}
void tb_json_end_object(tb_json *j)
{
    append(j, "}", 1);
    j->need_comma = 1;
}
void tb_json_begin_array(tb_json *j)
{
    before_value(j);
    append(j, "[", 1);
    j->need_comma = 0;
}
void tb_json_end_array(tb_json *j)
{
    append(j, "]", 1);
    j->need_comma = 1;
}

static void write_escaped(tb_json *j, const char *s)
{
    append(j, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char buf[8];
        switch (*p) {
        case '"': append_str(j, "\\\""); break;
        case '\\': append_str(j, "\\\\"); break;
        case '\n': append_str(j, "\\n"); break;
        case '\t': append_str(j, "\\t"); break;
        case '\r': append_str(j, "\\r"); break;
        default:
            if (*p < 0x20) {
                snprintf(buf, sizeof buf, "\\u%04x", *p);
                append_str(j, buf);
            } else {
                append(j, (const char *)p, 1);
            }
        }
    }
    append(j, "\"", 1);
}

void tb_json_key(tb_json *j, const char *key)
{
    before_value(j);
    write_escaped(j, key);
    append(j, ":", 1);
    j->need_comma = 0;
}

void tb_json_string(tb_json *j, const char *value)
{
    if (!value) {
        tb_json_null(j);
        return;
    }
    before_value(j);
    write_escaped(j, value);
}

void tb_json_number(tb_json *j, double value)
{
    if (!isfinite(value)) {
        tb_json_null(j);
        return;
    }
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", value);
    before_value(j);
    append_str(j, buf);
}

void tb_json_int(tb_json *j, int64_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, value);
    before_value(j);
    append_str(j, buf);
}

void tb_json_bool(tb_json *j, int value)
{
    before_value(j);
    append_str(j, value ? "true" : "false");
}
void tb_json_null(tb_json *j)
{
    before_value(j);
    append_str(j, "null");
}

void tb_json_kv_string(tb_json *j, const char *k, const char *v)
{
    tb_json_key(j, k);
    tb_json_string(j, v);
}
void tb_json_kv_number(tb_json *j, const char *k, double v)
{
    tb_json_key(j, k);
    tb_json_number(j, v);
}
void tb_json_kv_int(tb_json *j, const char *k, int64_t v)
{
    tb_json_key(j, k);
    tb_json_int(j, v);
}
void tb_json_kv_bool(tb_json *j, const char *k, int v)
{
    tb_json_key(j, k);
    tb_json_bool(j, v);
}

void tb_json_object_of(tb_json *j, const void *base, const tb_json_field *fields, int nfields)
{
    const char *b = base;
    tb_json_begin_object(j);
    for (int i = 0; i < nfields; i++) {
        const tb_json_field *f = &fields[i];
        const void *at = b + f->offset;
        tb_json_key(j, f->key);
        switch (f->type) {
        case TB_JF_INT: tb_json_int(j, *(const int *)at); break;
        case TB_JF_INT64: tb_json_int(j, *(const int64_t *)at); break;
        case TB_JF_NUMBER: tb_json_number(j, *(const double *)at); break;
        case TB_JF_BOOL: tb_json_bool(j, *(const int *)at); break;
        case TB_JF_CHARS: tb_json_string(j, (const char *)at); break;
        }
    }
    tb_json_end_object(j);
}
