#include "tb_error.h"

#include <stdarg.h>
#include <stdio.h>

static char first_message[TB_ERROR_MAX];

tb_status tb_error_set(tb_status status, const char *fmt, ...)
{
    if (first_message[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(first_message, sizeof first_message, fmt, ap);
        va_end(ap);
    }
    return status;
}

const char *tb_error_message(void) { return first_message; }

void tb_error_clear(void) { first_message[0] = '\0'; }

void tb_error_print(const char *program, const char *message)
{
    fprintf(stderr, "%s: error: %s\n", program, message[0] ? message : "unknown error");
    fflush(stderr);
}
