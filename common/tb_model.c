#include "tb_model.h"

#include <string.h>

#include "tb_backend.h"

static const char *const model_names[TB_NMODELS] = {"serial", "omp", "mpi", "hybrid"};
static const char *const op_names[TB_NOPS] = {"allreduce", "reduce", "bcast",  "alltoall",
                                              "allgather", "gather", "barrier"};

void tb_grid_dims(int p, int dims[2])
{
    int c = 1;
    for (int d = 1; (long)d * d <= p; d++)
        if (p % d == 0) c = d;
    dims[0] = p / c;
    dims[1] = c;
}

tb_shape tb_shape_of(tb_model_kind model, int ranks, int threads)
{
    tb_shape s = {model, ranks, threads, {1, 1}};
    tb_grid_dims(ranks, s.dims);
    return s;
}

tb_model_kind tb_model_of_backend(const char *name)
{
    for (int i = 0; i < TB_NMODELS; i++)
        if (!strcmp(name, model_names[i])) return (tb_model_kind)i;
    return TB_NMODELS;
}

const char *tb_model_name(tb_model_kind model) { return model_names[model]; }
const char *tb_coll_op_name(tb_coll_op op) { return op_names[op]; }

void tb_model_compute(const tb_kernel *k, const tb_params *p, const tb_shape *s, tb_model_inputs *m)
{
    memset(m, 0, sizeof *m);
    m->exact = 1;
    if (k->model) k->model->inputs(p, s, m);
}

void tb_model_pe(tb_model_inputs *m, double flops, double bytes)
{
    if (flops > m->flops) m->flops = flops;
    if (bytes > m->bytes) m->bytes = bytes;
    m->total_flops += flops;
    m->total_bytes += bytes;
}

void tb_model_send(tb_model_sends *s, double bytes, double count)
{
    if (count <= 0.0) return;
    s->count += count;
    s->bytes += bytes * count;
    for (int i = 0; i < s->nsizes; i++)
        if (s->size[i].bytes == bytes) {
            s->size[i].count += count;
            return;
        }
    if (s->nsizes < TB_MODEL_MAX_SIZES) s->size[s->nsizes++] = (tb_msg_group){bytes, count};
}

void tb_model_rank(tb_model_inputs *m, const tb_model_sends *s)
{
    if (s->bytes > m->sends.bytes || (s->bytes == m->sends.bytes && s->count > m->sends.count))
        m->sends = *s;
}

static void add_group(tb_coll_group *g, int *n, tb_coll_op op, double bytes, double count)
{
    if (count <= 0.0) return;
    for (int i = 0; i < *n; i++)
        if (g[i].op == op && g[i].bytes == bytes) {
            g[i].count += count;
            return;
        }
    if (*n < TB_MODEL_MAX_COLL) g[(*n)++] = (tb_coll_group){op, bytes, count};
}

void tb_model_collective(tb_model_inputs *m, tb_coll_op op, double bytes, double count)
{
    add_group(m->coll, &m->ncoll, op, bytes, count);
}

void tb_model_untimed(tb_model_inputs *m, tb_coll_op op, double bytes, double count)
{
    add_group(m->untimed, &m->nuntimed, op, bytes, count);
}

static void json_groups(tb_json *j, const char *key, const tb_coll_group *g, int n)
{
    tb_json_key(j, key);
    tb_json_begin_array(j);
    for (int i = 0; i < n; i++) {
        tb_json_begin_object(j);
        tb_json_kv_string(j, "op", op_names[g[i].op]);
        tb_json_kv_number(j, "count", g[i].count);
        tb_json_kv_number(j, "bytes", g[i].bytes);
        tb_json_end_object(j);
    }
    tb_json_end_array(j);
}

static void json_inputs(tb_json *j, const tb_model_inputs *m, const int dims[2])
{
    tb_json_begin_object(j);
    tb_json_kv_int(j, "schema", 1);
    tb_json_key(j, "grid");
    tb_json_begin_array(j);
    tb_json_int(j, dims[0]);
    tb_json_int(j, dims[1]);
    tb_json_end_array(j);
    tb_json_key(j, "per_pe");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "flops", m->flops);
    tb_json_kv_number(j, "bytes", m->bytes);
    tb_json_end_object(j);
    tb_json_key(j, "total");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "flops", m->total_flops);
    tb_json_kv_number(j, "bytes", m->total_bytes);
    tb_json_end_object(j);
    tb_json_key(j, "messages");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "count", m->sends.count);
    tb_json_kv_number(j, "bytes", m->sends.bytes);
    tb_json_key(j, "sizes");
    tb_json_begin_array(j);
    for (int i = 0; i < m->sends.nsizes; i++) {
        tb_json_begin_object(j);
        tb_json_kv_number(j, "bytes", m->sends.size[i].bytes);
        tb_json_kv_number(j, "count", m->sends.size[i].count);
        tb_json_end_object(j);
    }
    tb_json_end_array(j);
    tb_json_end_object(j);
    json_groups(j, "collectives", m->coll, m->ncoll);
    tb_json_key(j, "team");
    tb_json_begin_object(j);
    tb_json_kv_number(j, "barriers", m->barriers);
    tb_json_kv_number(j, "reductions", m->reductions);
    tb_json_end_object(j);
    json_groups(j, "untimed", m->untimed, m->nuntimed);
    tb_json_kv_bool(j, "exact", m->exact);
    tb_json_end_object(j);
}

void tb_model_json(tb_json *j, const tb_run *run)
{
    const tb_kernel *k = run->kernel;
    tb_json_key(j, "model_inputs");
    tb_model_kind model = tb_model_of_backend(tb_this_backend.name);
    if (!k->model || model == TB_NMODELS) {
        tb_json_null(j);
        return;
    }
    tb_shape s = tb_shape_of(model, run->nranks, run->nthreads);
    tb_model_inputs m;
    tb_model_compute(k, run->params, &s, &m);
    json_inputs(j, &m, s.dims);
}

void tb_model_catalogue_json(tb_json *j, const tb_kernel *k)
{
    tb_json_key(j, "model");
    tb_model_kind model = tb_model_of_backend(tb_this_backend.name);
    if (!k->model || model == TB_NMODELS) {
        tb_json_null(j);
        return;
    }
    const tb_model_doc *d = &k->model->doc[model];
    tb_json_begin_object(j);
    tb_json_kv_string(j, "per_pe", d->per_pe);
    tb_json_kv_string(j, "messages", d->messages);
    tb_json_kv_string(j, "collectives", d->collectives);
    tb_json_kv_string(j, "team", d->team);
    tb_json_kv_string(j, "estimates", k->model->estimates);
    tb_json_end_object(j);
}
