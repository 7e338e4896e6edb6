/* The pseudo-random number generator of the NAS Parallel Benchmarks
 * (D. Bailey et al., "The NAS Parallel Benchmarks", NASA Ames report
 * RNR-94-007, 1994, section 2.3):
 *
 *     x_{k+1} = a * x_k  (mod 2^46),   a = 5^13,   r_k = x_k * 2^-46.
 *
 * The report computes the product exactly in double precision by splitting
 * each factor into 23-bit halves. Here it is exact in 64-bit integers
 * instead: a * x wraps modulo 2^64, and since 2^46 divides 2^64,
 * ((a * x) mod 2^64) mod 2^46 = (a * x) mod 2^46. Both give the same
 * sequence bit for bit. Skipping ahead n numbers is one multiplication by
 * a^n mod 2^46, computed by repeated squaring.
 *
 * Used by ep (the Gaussian pairs) and cg (makea's sparse matrix). */
#ifndef TB_NPB_RANDOM_H
#define TB_NPB_RANDOM_H

#include <stdint.h>

#define NPB_A    UINT64_C(1220703125) /* 5^13 */
#define NPB_MASK ((UINT64_C(1) << 46) - 1)

/* a * b mod 2^46, for a, b < 2^46. */
static inline uint64_t npb_mul(uint64_t a, uint64_t b) { return (a * b) & NPB_MASK; }

/* a^e mod 2^46. */
static inline uint64_t npb_pow(uint64_t a, uint64_t e)
{
    uint64_t r = 1;
    for (; e; e >>= 1) {
        if (e & 1) r = npb_mul(r, a);
        a = npb_mul(a, a);
    }
    return r;
}

/* The next uniform number in (0, 1): advances *x, returns x * 2^-46. */
static inline double npb_next(uint64_t *x)
{
    *x = npb_mul(NPB_A, *x);
    return (double)*x * 0x1p-46;
}

#endif
