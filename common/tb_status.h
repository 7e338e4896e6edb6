/* Status codes shared by every module, and the process exit status they map to.
 * A run ends with exactly one of these; docs/results-schema.md documents them. */
#ifndef TB_STATUS_H
#define TB_STATUS_H

typedef enum tb_status {
    TB_OK = 0,       /* ran and validated */
    TB_ERUNTIME = 1, /* allocation failed, MPI error, ... */
    TB_EINPUT = 2,   /* bad option, value, decomposition or size */
    TB_EINVALID = 3  /* ran, but the answer did not validate */
} tb_status;

#endif
