#include "tb_parse.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include "tb_error.h"

tb_status tb_parse_int(const char *name, const char *text, int64_t min, int64_t max, int64_t *out)
{
    if (text == NULL || *text == '\0')
        return tb_error_set(TB_EINPUT,
                            "%s needs a value (a whole number from %" PRId64 " to %" PRId64 ")",
                            name, min, max);
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    int overflow = errno == ERANGE;
    if (*end != '\0') {
        /* Exponent notation such as 1e6, accepted only when exactly integral. */
        errno = 0;
        double d = strtod(text, &end);
        if (*end != '\0' || end == text || !isfinite(d) || d != floor(d))
            return tb_error_set(TB_EINPUT, "%s: '%s' is not a whole number", name, text);
        if (fabs(d) > 9.0e18)
            overflow = 1;
        else
            v = (long long)d;
        if (errno == ERANGE) overflow = 1;
    }
    if (overflow)
        return tb_error_set(TB_EINPUT, "%s: %s is too large (at most %" PRId64 ")", name, text,
                            max);
    if (v < min || v > max)
        return tb_error_set(TB_EINPUT, "%s: %s is out of range (%" PRId64 " to %" PRId64 ")", name,
                            text, min, max);
    *out = v;
    return TB_OK;
}

tb_status tb_parse_seconds(const char *option, const char *text, double min, double max,
                           double *out)
{
    if (!text || !*text)
        return tb_error_set(TB_EINPUT, "%s needs a value (seconds, %g to %g)", option, min, max);
    char *end = NULL;
    double v = strtod(text, &end);
    if (*end != '\0' || end == text || !isfinite(v))
        return tb_error_set(TB_EINPUT, "%s: '%s' is not a number of seconds", option, text);
    if (v < min || v > max)
        return tb_error_set(TB_EINPUT, "%s: %s is out of range (%g to %g seconds)", option, text,
                            min, max);
    *out = v;
    return TB_OK;
}
