/* What one timed iteration of a kernel does, for the performance model
 * (issue 12 section 2): per processing element its flops and memory bytes,
 * per rank its point-to-point messages, per iteration its MPI collectives
 * and its team barriers and reductions. Each kernel states these for every
 * model and decomposition in its descriptor (tb_kernel.model, a function of
 * the run's parameters and shape); the record carries them as
 * "model_inputs" and `--list --json` carries the formulas
 * (docs/results-schema.md). tests/model/ checks them against what runs
 * really send (a PMPI counter) and against work().
 *
 * Conventions (docs/architecture.md, "What a kernel declares for the
 * performance model"):
 *   per PE      the busiest PE (rank x thread): the largest of each count
 *               over all PEs; `total` is the same count summed over PEs.
 *               Flops and bytes follow the kernel's work() convention,
 *               split by the decomposition, plus the copies a model adds
 *               (packing message buffers).
 *   messages    point-to-point messages the busiest rank sends (the rank
 *               sending the most bytes); none to MPI_PROC_NULL.
 *   collectives MPI collectives one rank calls; bytes are that rank's
 *               contribution (a broadcast: the panel, an allgather: its
 *               own part, a barrier: 0). Listed whenever the backend has
 *               MPI, also at one rank (the call is still made).
 *   team        barriers every thread of a team passes (explicit, implicit
 *               at the end of a worksharing construct or parallel region,
 *               and those a reduction uses), and the team reductions among
 *               them; 0 without a team.
 *   untimed     collectives a loop iteration makes outside its timed part
 *               (e.g. cg's barrier before each solve): not part of the
 *               prediction, listed so that a count of real traffic per
 *               iteration can be matched exactly. */
#ifndef TB_MODEL_H
#define TB_MODEL_H

#include "tb_kernel.h"

/* The models, in the order of the backends (tb_backend.h). */
typedef enum tb_model_kind {
    TB_MODEL_SERIAL,
    TB_MODEL_OMP,
    TB_MODEL_MPI,
    TB_MODEL_HYBRID,
    TB_NMODELS
} tb_model_kind;

/* The shape of a run: its model, ranks, threads per rank, and the 2-D
 * process grid MPI_Dims_create gives for `ranks` (tb_grid_dims). */
typedef struct tb_shape {
    tb_model_kind model;
    int ranks, threads;
    int dims[2];
} tb_shape;

typedef enum tb_coll_op {
    TB_OP_ALLREDUCE,
    TB_OP_REDUCE,
    TB_OP_BCAST,
    TB_OP_ALLTOALL,
    TB_OP_ALLGATHER,
    TB_OP_GATHER,
    TB_OP_BARRIER,
    TB_NOPS
} tb_coll_op;

#define TB_MODEL_MAX_SIZES 16
#define TB_MODEL_MAX_COLL  16

typedef struct tb_msg_group {
    double bytes, count;
} tb_msg_group;

typedef struct tb_coll_group {
    tb_coll_op op;
    double bytes, count;
} tb_coll_group;

/* One rank's sends: grouped by size. */
typedef struct tb_model_sends {
    tb_msg_group size[TB_MODEL_MAX_SIZES];
    int nsizes;
    double count, bytes;
} tb_model_sends;

typedef struct tb_model_inputs {
    double flops, bytes;             /* the busiest PE */
    double total_flops, total_bytes; /* summed over PEs */
    tb_model_sends sends;            /* the busiest rank */
    tb_coll_group coll[TB_MODEL_MAX_COLL];
    int ncoll;
    tb_coll_group untimed[TB_MODEL_MAX_COLL];
    int nuntimed;
    double barriers, reductions; /* team */
    int exact;                   /* 0: some count is an estimate (the kernel's doc says which) */
} tb_model_inputs;

/* What the counts mean, per model: formula strings for the catalogue. */
typedef struct tb_model_doc {
    const char *per_pe;      /* flops and bytes of the busiest PE */
    const char *messages;    /* point-to-point messages of the busiest rank */
    const char *collectives; /* MPI collectives per iteration */
    const char *team;        /* team barriers and reductions per iteration */
} tb_model_doc;

/* A kernel's model: the counts for a shape, and their formulas. */
typedef struct tb_model {
    void (*inputs)(const tb_params *p, const tb_shape *s, tb_model_inputs *m);
    tb_model_doc doc[TB_NMODELS];
    const char *estimates; /* which counts are estimates (exact false), or NULL */
} tb_model;

/* The 2-D process grid of p ranks as MPI_Dims_create gives it: the most
 * nearly square dims[0] x dims[1] = p, dims[0] >= dims[1]. The drivers call
 * the library's; tests/model/test_dims.c checks that they agree up to 64
 * ranks (beyond, Open MPI's greedy answer can differ: 72 ranks, 12x6). */
void tb_grid_dims(int p, int dims[2]);

tb_shape tb_shape_of(tb_model_kind model, int ranks, int threads);
tb_model_kind tb_model_of_backend(const char *name); /* TB_NMODELS: unknown */
const char *tb_model_name(tb_model_kind model);
const char *tb_coll_op_name(tb_coll_op op);

/* The counts of a kernel for a shape (all zero, exact, for a kernel
 * without a model). */
void tb_model_compute(const tb_kernel *k, const tb_params *p, const tb_shape *s,
                      tb_model_inputs *m);

/* ---- for the kernels' model functions ---- */
/* One PE's flops and bytes: kept if the busiest, added to the totals. */
void tb_model_pe(tb_model_inputs *m, double flops, double bytes);
/* `count` messages of `bytes` into a rank's sends. */
void tb_model_send(tb_model_sends *s, double bytes, double count);
/* One rank's sends: kept if it sends the most bytes (then the most messages). */
void tb_model_rank(tb_model_inputs *m, const tb_model_sends *s);
/* `count` collectives `op` of `bytes` per iteration (timed or not). */
void tb_model_collective(tb_model_inputs *m, tb_coll_op op, double bytes, double count);
void tb_model_untimed(tb_model_inputs *m, tb_coll_op op, double bytes, double count);

static inline int tb_model_has_mpi(const tb_shape *s)
{
    return s->model == TB_MODEL_MPI || s->model == TB_MODEL_HYBRID;
}
static inline int tb_model_has_team(const tb_shape *s)
{
    return s->model == TB_MODEL_OMP || s->model == TB_MODEL_HYBRID;
}

/* ---- output ---- */
/* tb_model_json (declared in tb_kernel.h, for the record): "model_inputs"
 * of a run in this executable's backend, or null for a kernel without a
 * model. */
/* "model": {"estimates": ..., "serial": {...}, ...} of the catalogue, or null. */
void tb_model_catalogue_json(tb_json *j, const tb_kernel *k);

#endif
