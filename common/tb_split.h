/* Block distribution: n items over `parts` parts, the first n % parts parts
 * one item larger. The same rule for ranks, threads and tiles everywhere. */
#ifndef TB_SPLIT_H
#define TB_SPLIT_H

#include <stdint.h>

static inline void tb_split(int64_t n, int64_t parts, int64_t index, int64_t *begin, int64_t *end)
{
    int64_t base = n / parts, extra = n % parts;
    *begin = index * base + (index < extra ? index : extra);
    *end = *begin + base + (index < extra ? 1 : 0);
}

#endif
