/* The thread layer for single-threaded executables (serial, mpi). */
#include "tb_threads.h"

#include <stddef.h>

int tb_threads_enabled(void) { return 0; }
int tb_threads_count(void) { return 1; }
void tb_threads_set(int count) { (void)count; }

void tb_threads_each(void (*fn)(int, int, void *), void *arg) { fn(0, 1, arg); }

const char *tb_threads_runtime(void) { return NULL; }
