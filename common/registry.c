#include <math.h>
#include <string.h>

#include "tb_kernel.h"

#define TB_KERNEL(name) extern const tb_kernel name##_kernel;
#include "kernel_list.h"
#undef TB_KERNEL

#define TB_KERNEL(name) &name##_kernel,
const tb_kernel *const tb_kernels[] = {
#include "kernel_list.h"
};
#undef TB_KERNEL

const int tb_nkernels = (int)(sizeof tb_kernels / sizeof tb_kernels[0]);

const tb_kernel *tb_kernel_find(const char *name)
{
    for (int i = 0; i < tb_nkernels; i++)
        if (strcmp(tb_kernels[i]->name, name) == 0) return tb_kernels[i];
    return NULL;
}

void tb_run_verify(tb_run *run, const char *quantity, double computed, double reference,
                   double tolerance)
{
    if (run->nverify >= TB_MAX_VERIFY) return;
    tb_verification *v = &run->verify[run->nverify++];
    v->quantity = quantity;
    v->computed = computed;
    v->reference = reference;
    v->tolerance = tolerance;
}
