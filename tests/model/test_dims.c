/* tb_grid_dims (common/tb_model.c), the 2-D process grid the models
 * assume, against the MPI library's MPI_Dims_create, which the drivers use
 * (mpi/grid2d.c, mpi/summa.c). They must agree up to 64 ranks. Beyond,
 * libraries differ: Open MPI 4.1 deals the prime factors out greedily
 * (72 ranks: 12x6) where the most nearly square grid is 9x8 (MPICH 4's
 * answer); the differences there are printed, not failed. */
#include <mpi.h>
#include <stdio.h>

#include "tb_backend.h"
#include "tb_model.h"

/* tb_model.c names the executable's backend; this test has none of its own. */
const tb_backend tb_this_backend = {"mpi", "test_model_dims", TB_THREADS_SINGLE, ""};

#define MUST_AGREE 64

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int wrong = 0, beyond = 0;
    for (int p = 1; p <= 1024; p++) {
        int lib[2] = {0, 0}, ours[2];
        MPI_Dims_create(p, 2, lib);
        tb_grid_dims(p, ours);
        if (lib[0] == ours[0] && lib[1] == ours[1]) continue;
        if (p <= MUST_AGREE) {
            fprintf(stderr, "%d ranks: MPI_Dims_create gives %dx%d, tb_grid_dims %dx%d\n", p,
                    lib[0], lib[1], ours[0], ours[1]);
            wrong++;
        } else if (beyond++ == 0) {
            printf("from %d ranks (beyond the %d checked) this library's grid differs: %dx%d, "
                   "tb_grid_dims %dx%d\n",
                   p, MUST_AGREE, lib[0], lib[1], ours[0], ours[1]);
        }
    }
    printf("tb_grid_dims: %d of %d rank counts differ from MPI_Dims_create (%d beyond)\n", wrong,
           MUST_AGREE, beyond);
    MPI_Finalize();
    return wrong != 0;
}
