/* Error messages.
 *
 * A module that detects a problem records it with tb_error_set() and returns a
 * tb_status; it never prints and never exits. The entry point (common/main.c)
 * makes every rank agree on the outcome (tb_comm_agree) and has exactly one
 * rank print the message, so one rank's bad input never leaves the others
 * hanging and the user sees the line once. */
#ifndef TB_ERROR_H
#define TB_ERROR_H

#include "tb_status.h"

#define TB_ERROR_MAX 512

/* Record the first error of this process; later calls keep the first message.
 * Returns status so callers can write `return tb_error_set(TB_EINPUT, ...)`. */
tb_status tb_error_set(tb_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The recorded message ("" when none). */
const char *tb_error_message(void);

/* Forget the recorded message (used by tests). */
void tb_error_clear(void);

/* Print "<program>: error: <message>" on stderr as one line. */
void tb_error_print(const char *program, const char *message);

#endif
