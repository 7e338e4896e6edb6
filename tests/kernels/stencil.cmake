# The stencil validates in every model; 120 divides evenly by every rank and
# thread count used, 101 does not. Radius 3 exercises the general weights.
triobench_validate(stencil SIZES 120 101 ARGS --iters 4 --warmup 1)
triobench_validate(stencil SIZES 61 ARGS --radius 3 --iters 3 RANKS 5 6 THREADS 3)
