/* The kernel list: adding a kernel is one line here, its descriptor
 * `const tb_kernel <name>_kernel` in common/kernels/<name>.c, and its driver
 * `tb_status <name>_run(tb_run *)` in each backend folder. */
TB_KERNEL(stencil)
TB_KERNEL(nstream)
TB_KERNEL(transpose)
TB_KERNEL(dgemm)
TB_KERNEL(ep)
TB_KERNEL(cg)
TB_KERNEL(pingpong)
TB_KERNEL(barrier)
TB_KERNEL(allreduce)
TB_KERNEL(halo)
TB_KERNEL(peak)
