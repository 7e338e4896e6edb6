/* A small JSON writer into a growing buffer: enough for the result record.
 * Commas are inserted automatically; non-finite numbers become null. */
#ifndef TB_JSON_H
#define TB_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef struct tb_json {
    char *text;
    size_t len, cap;
    int need_comma;
    int failed; /* out of memory: the text is incomplete */
} tb_json;

void tb_json_init(tb_json *j);
void tb_json_free(tb_json *j);

void tb_json_begin_object(tb_json *j);
void tb_json_end_object(tb_json *j);
void tb_json_begin_array(tb_json *j);
void tb_json_end_array(tb_json *j);
void tb_json_key(tb_json *j, const char *key);

void tb_json_string(tb_json *j, const char *value); /* NULL writes null */
void tb_json_number(tb_json *j, double value);
void tb_json_int(tb_json *j, int64_t value);
void tb_json_bool(tb_json *j, int value);
void tb_json_null(tb_json *j);

/* key + value shorthands */
void tb_json_kv_string(tb_json *j, const char *key, const char *value);
void tb_json_kv_number(tb_json *j, const char *key, double value);
void tb_json_kv_int(tb_json *j, const char *key, int64_t value);
void tb_json_kv_bool(tb_json *j, const char *key, int value);

/* An object written from a struct by a table of its fields, so that each
 * record's objects are listed once as data (the key, the member's type
 * and offsetof), not as a run of calls written again for every struct. */
typedef enum tb_json_field_type {
    TB_JF_INT,    /* int */
    TB_JF_INT64,  /* int64_t */
    TB_JF_NUMBER, /* double */
    TB_JF_BOOL,   /* int, written true/false */
    TB_JF_CHARS   /* a char array member */
} tb_json_field_type;

typedef struct tb_json_field {
    const char *key;
    tb_json_field_type type;
    size_t offset;
} tb_json_field;

void tb_json_object_of(tb_json *j, const void *base, const tb_json_field *fields, int nfields);

#endif
