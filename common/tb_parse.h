/* Small parsing helpers for command-line values: every value is checked,
 * and an error names the option and the accepted range (TB_EINPUT with the
 * message set, common/tb_error.h). */
#ifndef TB_PARSE_H
#define TB_PARSE_H

#include <stdint.h>

#include "tb_status.h"

/* Parse a whole number in [min, max] for option `name`. Accepts decimal
 * digits or exact exponent notation ("1e6"). */
tb_status tb_parse_int(const char *name, const char *text, int64_t min, int64_t max, int64_t *out);

/* Parse a number of seconds in [min, max] for `option`. */
tb_status tb_parse_seconds(const char *option, const char *text, double min, double max,
                           double *out);

#endif
