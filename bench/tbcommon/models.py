"""The four programming models, in the order every table and chart uses."""

BACKENDS = ("serial", "omp", "mpi", "hybrid")
