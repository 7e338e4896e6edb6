/* Checkpoints of a pool of tasks whose results add up (ep): which tasks
 * are done and the combined result of those tasks. Model-independent: a
 * checkpoint written by triobench-mpi can be resumed by triobench-serial.
 *
 * The file: a header (magic "TRIOCKPT", format version, byte order, the
 * computation's identity, e.g. "ep m=24 chunk=4", the task count, the
 * result size, the number of tasks done), one bit per task, the combined
 * result, and a 64-bit FNV-1a checksum of everything before it. A save
 * writes FILE.tmp, fsyncs it, renames it over FILE and fsyncs the folder,
 * so FILE is always either the previous save or the new one, whole. On
 * --resume every field is checked; a file that is truncated, corrupted,
 * of another version or written for another computation is refused with a
 * message saying which, never used.
 *
 * One process (the master, or the only one) owns a checkpoint. */
#ifndef TB_CHECKPOINT_H
#define TB_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "tb_fault.h"

#define TB_CKPT_VERSION      1
#define TB_CKPT_IDENTITY_MAX 128

typedef struct tb_ckpt tb_ckpt;

/* The checkpoint of o->checkpoint (*out = NULL when there is none). With
 * o->resume the file is read and checked; without it, the file must not
 * exist yet (so that no saved work is overwritten by a forgotten --resume)
 * and its folder must be writable. TB_EINPUT with the message set. */
tb_status tb_ckpt_open(tb_ckpt **out, const tb_fault_opts *o, const char *identity, int64_t ntasks,
                       size_t result_bytes);
void tb_ckpt_close(tb_ckpt *c);

/* Tasks done in the file that was resumed (0 for a new checkpoint or c NULL). */
int64_t tb_ckpt_loaded(const tb_ckpt *c);
/* Whether task was done when the run started from the file (0 for c NULL). */
int tb_ckpt_was_done(const tb_ckpt *c, int64_t task);
/* acc = the combined result saved in the file (unchanged for c NULL or a
 * new checkpoint). */
void tb_ckpt_load_result(const tb_ckpt *c, void *acc);

/* Task is done and acc now includes its result: marked, and saved when
 * the interval has passed since the last save. A failed save is kept and
 * returned by tb_ckpt_finish; the run goes on. No-op for c NULL. */
void tb_ckpt_task_done(tb_ckpt *c, int64_t task, const void *acc);
/* Save now (the whole computation is done); returns the first save error. */
tb_status tb_ckpt_finish(tb_ckpt *c, const void *acc);
int64_t tb_ckpt_saves(const tb_ckpt *c);

/* The lower-level file functions, for tests. */
tb_status tb_ckpt_write_file(const char *path, const char *identity, int64_t ntasks,
                             const unsigned char *done_bits, size_t result_bytes,
                             const void *result);

#endif
