#include "tb_checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tb_error.h"
#include "tb_timer.h"

static const char magic[8] = {'T', 'R', 'I', 'O', 'C', 'K', 'P', 'T'};
#define BYTE_ORDER_MARK UINT32_C(0x01020304)
/* magic, version, byte order, identity, ntasks, result bytes, tasks done, saved at */
#define HEADER_BYTES     (8 + 4 + 4 + TB_CKPT_IDENTITY_MAX + 8 + 8 + 8 + 8)
#define MAX_TASKS        (INT64_C(1) << 40)
#define MAX_RESULT_BYTES (1u << 20)

struct tb_ckpt {
    char *path;
    char identity[TB_CKPT_IDENTITY_MAX];
    int64_t ntasks, done, loaded;
    size_t result_bytes;
    unsigned char *bits;     /* tasks done now */
    unsigned char *was_done; /* tasks done in the file resumed (NULL for a new one) */
    unsigned char *result;   /* the file's combined result */
    double interval, last_save;
    int64_t saves;
    tb_status save_status;
};

static uint64_t fnv1a(const unsigned char *p, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}
#define FNV_START UINT64_C(0xcbf29ce484222325)

static size_t bitmap_bytes(int64_t ntasks) { return (size_t)((ntasks + 7) / 8); }

static int64_t count_bits(const unsigned char *bits, int64_t ntasks)
{
    int64_t n = 0;
    for (int64_t t = 0; t < ntasks; t++) n += (bits[t >> 3] >> (t & 7)) & 1;
    return n;
}

static int write_all_fd(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* fsync the folder holding path, so that the rename itself is durable. */
static void sync_folder(const char *path)
{
    char *copy = strdup(path);
    if (!copy) return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

tb_status tb_ckpt_write_file(const char *path, const char *identity, int64_t ntasks,
                             const unsigned char *done_bits, size_t result_bytes,
                             const void *result)
{
    size_t nbits = bitmap_bytes(ntasks), total = HEADER_BYTES + nbits + result_bytes + 8;
    unsigned char *buf = calloc(1, total);
    size_t tmp_len = strlen(path) + 8;
    char *tmp = malloc(tmp_len);
    if (!buf || !tmp) {
        free(buf);
        free(tmp);
        return tb_error_set(TB_ERUNTIME, "out of memory for the checkpoint");
    }
    unsigned char *p = buf;
    uint32_t version = TB_CKPT_VERSION, order = BYTE_ORDER_MARK;
    uint64_t n = (uint64_t)ntasks, rb = result_bytes,
             done = (uint64_t)count_bits(done_bits, ntasks);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double saved = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    memcpy(p, magic, 8);
    p += 8;
    memcpy(p, &version, 4);
    p += 4;
    memcpy(p, &order, 4);
    p += 4;
    strncpy((char *)p, identity, TB_CKPT_IDENTITY_MAX - 1);
    p += TB_CKPT_IDENTITY_MAX;
    memcpy(p, &n, 8);
    p += 8;
    memcpy(p, &rb, 8);
    p += 8;
    memcpy(p, &done, 8);
    p += 8;
    memcpy(p, &saved, 8);
    p += 8;
    memcpy(p, done_bits, nbits);
    p += nbits;
    memcpy(p, result, result_bytes);
    p += result_bytes;
    uint64_t sum = fnv1a(buf, (size_t)(p - buf), FNV_START);
    memcpy(p, &sum, 8);

    snprintf(tmp, tmp_len, "%s.tmp", path);
    tb_status st = TB_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write_all_fd(fd, buf, total) != 0 || fsync(fd) != 0) {
        st =
            tb_error_set(TB_ERUNTIME, "cannot write the checkpoint '%s': %s", tmp, strerror(errno));
    }
    if (fd >= 0 && close(fd) != 0 && st == TB_OK)
        st =
            tb_error_set(TB_ERUNTIME, "cannot write the checkpoint '%s': %s", tmp, strerror(errno));
    if (st == TB_OK && rename(tmp, path) != 0)
        st = tb_error_set(TB_ERUNTIME, "cannot rename the checkpoint '%s' to '%s': %s", tmp, path,
                          strerror(errno));
    if (st == TB_OK)
        sync_folder(path);
    else
        unlink(tmp);
    free(buf);
    free(tmp);
    return st;
}

/* Read and check `path` into c (ntasks, result_bytes, identity already set). */
static tb_status load(tb_ckpt *c, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return tb_error_set(TB_EINPUT, "--resume: cannot read the checkpoint '%s': %s%s", path,
                            strerror(errno),
                            errno == ENOENT ? " (run once without --resume to create it)" : "");
    struct stat sb;
    unsigned char *buf = NULL;
    tb_status st = TB_OK;
    if (fstat(fd, &sb) != 0) {
        st = tb_error_set(TB_EINPUT, "--resume: cannot read the checkpoint '%s': %s", path,
                          strerror(errno));
        goto done;
    }
    size_t size = (size_t)sb.st_size;
    if (size < HEADER_BYTES) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' is truncated: %zu bytes, fewer than its "
                          "%d-byte header; refusing it",
                          path, size, HEADER_BYTES);
        goto done;
    }
    buf = malloc(size);
    if (!buf) {
        st = tb_error_set(TB_ERUNTIME, "out of memory for the checkpoint '%s'", path);
        goto done;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    if (got != size) {
        st = tb_error_set(TB_EINPUT, "checkpoint '%s' changed while being read; refusing it", path);
        goto done;
    }
    const unsigned char *p = buf;
    uint32_t version, order;
    uint64_t ntasks, rb, done;
    char identity[TB_CKPT_IDENTITY_MAX];
    if (memcmp(p, magic, 8) != 0) {
        st = tb_error_set(TB_EINPUT,
                          "'%s' is not a triobench checkpoint (it does not start with "
                          "TRIOCKPT); refusing it",
                          path);
        goto done;
    }
    p += 8;
    memcpy(&version, p, 4);
    p += 4;
    memcpy(&order, p, 4);
    p += 4;
    if (order != BYTE_ORDER_MARK) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' was written on a machine of another byte "
                          "order; refusing it",
                          path);
        goto done;
    }
    if (version != TB_CKPT_VERSION) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' has format version %" PRIu32 "; this triobench "
                          "reads version %d; refusing it",
                          path, version, TB_CKPT_VERSION);
        goto done;
    }
    memcpy(identity, p, sizeof identity);
    p += sizeof identity;
    identity[sizeof identity - 1] = '\0';
    memcpy(&ntasks, p, 8);
    p += 8;
    memcpy(&rb, p, 8);
    p += 8;
    memcpy(&done, p, 8);
    p += 8;
    p += 8; /* saved at */
    uint64_t expect = 0;
    if (ntasks <= (uint64_t)MAX_TASKS && rb <= MAX_RESULT_BYTES)
        expect = HEADER_BYTES + bitmap_bytes((int64_t)ntasks) + rb + 8;
    if (expect != size) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' is damaged (truncated or corrupted): %zu bytes, "
                          "where its header implies %" PRIu64 "; refusing it",
                          path, size, expect);
        goto done;
    }
    uint64_t stored;
    memcpy(&stored, buf + size - 8, 8);
    if (fnv1a(buf, size - 8, FNV_START) != stored) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' is corrupted: its checksum does not match its "
                          "contents; refusing it (remove it to start again)",
                          path);
        goto done;
    }
    if (strcmp(identity, c->identity) != 0 || (int64_t)ntasks != c->ntasks ||
        rb != c->result_bytes) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' was written for '%s' (%" PRIu64 " tasks), but "
                          "this run is '%s' (%" PRId64 " tasks); refusing it",
                          path, identity, ntasks, c->identity, c->ntasks);
        goto done;
    }
    memcpy(c->bits, p, bitmap_bytes(c->ntasks));
    if ((uint64_t)count_bits(c->bits, c->ntasks) != done) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' is corrupted: it says %" PRIu64 " tasks are "
                          "done but marks %" PRId64 "; refusing it",
                          path, done, count_bits(c->bits, c->ntasks));
        goto done;
    }
    memcpy(c->was_done, c->bits, bitmap_bytes(c->ntasks));
    memcpy(c->result, p + bitmap_bytes(c->ntasks), c->result_bytes);
    c->done = c->loaded = (int64_t)done;
done:
    free(buf);
    close(fd);
    return st;
}

tb_status tb_ckpt_open(tb_ckpt **out, const tb_fault_opts *o, const char *identity, int64_t ntasks,
                       size_t result_bytes)
{
    *out = NULL;
    if (!o->checkpoint) return TB_OK;
    tb_ckpt *c = calloc(1, sizeof *c);
    if (c) {
        c->path = strdup(o->checkpoint);
        c->bits = calloc(bitmap_bytes(ntasks) + 1, 1);
        c->was_done = o->resume ? calloc(bitmap_bytes(ntasks) + 1, 1) : NULL;
        c->result = calloc(result_bytes + 1, 1);
    }
    if (!c || !c->path || !c->bits || (o->resume && !c->was_done) || !c->result) {
        tb_ckpt_close(c);
        return tb_error_set(TB_ERUNTIME, "out of memory for the checkpoint of %" PRId64 " tasks",
                            ntasks);
    }
    snprintf(c->identity, sizeof c->identity, "%s", identity);
    c->ntasks = ntasks;
    c->result_bytes = result_bytes;
    c->interval = o->interval;
    c->last_save = tb_now();
    tb_status st;
    if (o->resume) {
        st = load(c, o->checkpoint);
    } else if (access(o->checkpoint, F_OK) == 0) {
        st = tb_error_set(TB_EINPUT,
                          "checkpoint '%s' exists: add --resume to continue from it, or "
                          "remove it to start again",
                          o->checkpoint);
    } else {
        /* Find out now, not at the first save, that the folder is not writable. */
        st = tb_ckpt_write_file(o->checkpoint, c->identity, ntasks, c->bits, result_bytes,
                                c->result);
        if (st == TB_ERUNTIME) st = TB_EINPUT;
    }
    if (st != TB_OK) {
        tb_ckpt_close(c);
        return st;
    }
    *out = c;
    return TB_OK;
}

void tb_ckpt_close(tb_ckpt *c)
{
    if (!c) return;
    free(c->path);
    free(c->bits);
    free(c->was_done);
    free(c->result);
    free(c);
}

int64_t tb_ckpt_loaded(const tb_ckpt *c) { return c ? c->loaded : 0; }
int64_t tb_ckpt_saves(const tb_ckpt *c) { return c ? c->saves : 0; }

int tb_ckpt_was_done(const tb_ckpt *c, int64_t task)
{
    return c && c->was_done && ((c->was_done[task >> 3] >> (task & 7)) & 1);
}

void tb_ckpt_load_result(const tb_ckpt *c, void *acc)
{
    if (c && c->was_done) memcpy(acc, c->result, c->result_bytes);
}

static void save(tb_ckpt *c, const void *acc)
{
    tb_status st =
        tb_ckpt_write_file(c->path, c->identity, c->ntasks, c->bits, c->result_bytes, acc);
    if (st != TB_OK && c->save_status == TB_OK) c->save_status = st;
    if (st == TB_OK) c->saves++;
    c->last_save = tb_now();
}

void tb_ckpt_task_done(tb_ckpt *c, int64_t task, const void *acc)
{
    if (!c) return;
    if (!((c->bits[task >> 3] >> (task & 7)) & 1)) {
        c->bits[task >> 3] |= (unsigned char)(1u << (task & 7));
        c->done++;
    }
    if (tb_now() - c->last_save >= c->interval) save(c, acc);
}

tb_status tb_ckpt_finish(tb_ckpt *c, const void *acc)
{
    if (!c) return TB_OK;
    save(c, acc);
    return c->save_status;
}
