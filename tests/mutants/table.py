"""The deliberate mistakes (issue 11): each must make a run fail validation.

A mutant is a list of exact text replacements in the source (each anchor
must occur exactly once in its file, so that a refactor which moves the code
is noticed instead of silently testing nothing) and the runs that must then
exit 3 with "validated": false in their record. The executables to build
follow from the runs' backends.

Anchors sit in the kernels' block compute and in the communication modules
rather than in the drivers where possible: those move least. Only .c files
are edited.
"""

from collections import namedtuple

# One replacement: in `file`, the text `anchor` (exactly once) becomes `replacement`.
Edit = namedtuple("Edit", "file anchor replacement")
# One run: backend (serial, omp, mpi, hybrid), MPI ranks, OpenMP threads, arguments.
Run = namedtuple("Run", "backend ranks threads args")
# control: a mutant that changes nothing the program does; it must SURVIVE
# (run only when named: it shows that the harness reports a survivor).
Mutant = namedtuple("Mutant", "name mistake edits runs note control")


def mutant(name, mistake, edits, runs, note="", control=False):
    return Mutant(name, mistake, edits, runs, note, control)


STENCIL = ["stencil", "--size", "96", "--radius", "2", "--iters", "3", "--warmup", "1"]
NSTREAM = ["nstream", "--size", "100000", "--iters", "3", "--warmup", "1"]
TRANSPOSE = ["transpose", "--size", "200", "--tile", "64", "--iters", "3", "--warmup", "1"]
DGEMM = ["dgemm", "--size", "96", "--panel", "16", "--iters", "2", "--warmup", "1"]
CG = ["cg", "--class", "S"]
EP_FARM = ["ep", "--class", "S", "--schedule", "dynamic", "--chunk", "1"]
PINGPONG = ["pingpong", "--bytes", "1024", "--target-time", "200"]
ALLREDUCE = ["allreduce", "--bytes", "64", "--target-time", "200"]

MUTANTS = [
    mutant(
        "stencil-no-increment",
        "the sweep never adds 1 to `in`",
        [Edit("common/kernels/stencil.c",
              "in[i * ld + j] += 1.0;",
              "(void)in[i * ld + j]; /* mutant: no increment */")],
        [Run("serial", 1, 1, STENCIL), Run("omp", 1, 2, STENCIL), Run("mpi", 2, 1, STENCIL)],
        note="out cannot see it (every sweep adds 2 to out whatever in's constant): the "
             "check of in does"),
    mutant(
        "stencil-halo-row",
        "the outermost north halo row is never received at an interior rank boundary",
        # The message to the south carries one row fewer: the receiver's row -h
        # keeps its initial zeros (rows -h+1 .. -1 still arrive).
        [Edit("mpi/grid2d.c",
              "MPI_Irecv(block - h * ld - h, row_count, MPI_DOUBLE, g->north, TAG_TO_SOUTH",
              "MPI_Irecv(block - (h - 1) * ld - h, row_count - (int)ld, MPI_DOUBLE, g->north, "
              "TAG_TO_SOUTH"),
         Edit("mpi/grid2d.c",
              "MPI_Isend(block + (rows - h) * ld - h, row_count, MPI_DOUBLE, g->south, TAG_TO_SOUTH",
              "MPI_Isend(block + (rows - h + 1) * ld - h, row_count - (int)ld, MPI_DOUBLE, "
              "g->south, TAG_TO_SOUTH")],
        [Run("mpi", 2, 1, STENCIL), Run("mpi", 4, 1, STENCIL), Run("hybrid", 2, 2, STENCIL)]),
    mutant(
        "nstream-thread-band",
        "thread 0 skips the last element of its band",
        [Edit("openmp/nstream_team.c",
              "nstream_triad(&x, i0, i1);",
              "nstream_triad(&x, i0, t == 0 ? i1 - 1 : i1); /* mutant */")],
        [Run("omp", 1, 2, NSTREAM), Run("hybrid", 1, 2, NSTREAM)]),
    mutant(
        "nstream-rank-band",
        "rank 0 skips the last element of its block",
        [Edit("common/kernels/nstream.c",
              "nstream_triad(&x, 0, count);",
              "nstream_triad(&x, 0, run->rank == 0 ? count - 1 : count); /* mutant */")],
        [Run("mpi", 2, 1, NSTREAM)]),
    mutant(
        "transpose-tile",
        "the tiled transpose skips the first tile of a block starting at row 0",
        [Edit("common/kernels/transpose.c",
              "for (int64_t jb = 0; jb < cols; jb += tile) {",
              "for (int64_t jb = ib == 0 ? tile : 0; jb < cols; jb += tile) { /* mutant */")],
        [Run("serial", 1, 1, TRANSPOSE), Run("omp", 1, 2, TRANSPOSE), Run("mpi", 2, 1, TRANSPOSE)]),
    mutant(
        "dgemm-summa-panel",
        "SUMMA skips the first k-panel (its step has zero depth)",
        [Edit("mpi/summa.c",
              "step->k0 = k0;",
              "step->k0 = k0 == 0 ? k1 : k0; /* mutant */")],
        [Run("mpi", 2, 1, DGEMM), Run("mpi", 4, 1, DGEMM), Run("hybrid", 2, 2, DGEMM)]),
    mutant(
        "cg-inner-iteration",
        "conjugate gradient does 24 inner iterations instead of 25",
        [Edit("common/kernels/cg.c",
              "for (int it = 0; it < CG_INNER; it++) {",
              "for (int it = 0; it < CG_INNER - 1; it++) { /* mutant */")],
        [Run("serial", 1, 1, CG), Run("mpi", 2, 1, CG)],
        note="zeta cannot see it (CG has converged long before its 24th step; classes S, W "
             "and A give the same zeta to 1e-15): the check of the CG steps taken does"),
    mutant(
        "ep-farm-lost-batch",
        "the master-worker farm drops the result of its last task (one batch at --chunk 1)",
        [Edit("mpi/task_farm.c",
              "    f->combine(f->acc, part);",
              "    if (task != f->ntasks - 1) f->combine(f->acc, part); /* mutant */")],
        [Run("mpi", 2, 1, EP_FARM), Run("mpi", 3, 1, EP_FARM), Run("hybrid", 2, 2, EP_FARM)]),
    mutant(
        "pingpong-stale-mpi",
        "rank 1 echoes the first message it received in every later round",
        [Edit("mpi/p2p.c",
              "MPI_Send(p->recv[0], n, MPI_BYTE, p->peer, tag, p->comm);",
              "static unsigned char *first_msg; /* mutant: the first message, forever */\n"
              "            if (!first_msg) {\n"
              "                first_msg = malloc((size_t)n);\n"
              "                for (int i = 0; i < n; i++) first_msg[i] = p->recv[0][i];\n"
              "            }\n"
              "            MPI_Send(first_msg, n, MPI_BYTE, p->peer, tag, p->comm);")],
        [Run("mpi", 2, 1, PINGPONG)],
        note="the final buffer cannot show it (the same bytes every round): the round "
             "stamp each receiver checks does"),
    mutant(
        "pingpong-stale-omp",
        "thread 1 hands back the first message it received in every later round",
        [Edit("openmp/pingpong_omp.c",
              "post(&c->box[0], msg, seq);",
              "static unsigned char *first_msg; /* mutant: the first message, forever */\n"
              "            if (!first_msg) {\n"
              "                first_msg = tb_alloc(c->bytes, 1);\n"
              "                memcpy(first_msg, msg, c->bytes);\n"
              "            }\n"
              "            post(&c->box[0], first_msg, seq);")],
        [Run("omp", 1, 2, PINGPONG)],
        note="the round stamp each receiver checks catches it (as pingpong-stale-mpi)"),
    mutant(
        "allreduce-local-mpi",
        "rank 1 returns its own contribution instead of the sum",
        [Edit("mpi/allreduce_mpi.c",
              "MPI_Allreduce(part, result, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);",
              "MPI_Allreduce(part, result, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);\n"
              "    int mutant_rank; /* mutant: the local value on rank 1 */\n"
              "    MPI_Comm_rank(MPI_COMM_WORLD, &mutant_rank);\n"
              "    if (mutant_rank == 1)\n"
              "        for (int64_t i = 0; i < n; i++) result[i] = part[i];")],
        [Run("mpi", 2, 1, ALLREDUCE), Run("mpi", 3, 1, ALLREDUCE)]),
    mutant(
        "control-unchanged",
        "a comment added to the stencil's increment: the program is unchanged",
        [Edit("common/kernels/stencil.c",
              "in[i * ld + j] += 1.0;",
              "in[i * ld + j] += 1.0; /* control: no change */")],
        [Run("serial", 1, 1, STENCIL)],
        note="must SURVIVE: run it by name to see how the harness reports a survivor",
        control=True),
]
