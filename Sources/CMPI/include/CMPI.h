// A thin C layer over Open MPI for Likely's scale-out.
//
// libmpi is NOT linked into the executable: it is loaded with dlopen, and only when the
// environment says the process was started by mpirun (or another PMIx launcher). A run
// started without mpirun therefore never maps libmpi, never initialises MPI and prints
// nothing. Swift sees only plain C types here; <mpi.h> stays inside CMPI.c, and MPI's
// predefined handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...), which in Open MPI are the
// addresses of globals such as `ompi_mpi_comm_world`, are looked up with dlsym and kept
// behind these functions, so Swift never touches a C global.
//
// Every function except likely_mpi_launched and likely_mpi_initialize requires a successful
// likely_mpi_initialize first. Counts are element counts; buffers of more than INT_MAX
// elements are split into several MPI calls inside.
#ifndef LIKELY_CMPI_H
#define LIKELY_CMPI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when the environment says this process runs under mpirun: Open MPI sets
/// OMPI_COMM_WORLD_SIZE, PMIx launchers set PMIX_RANK. 0 otherwise. Reads only the
/// environment; loads nothing.
int likely_mpi_launched(void);

/// Loads libmpi (LIKELY_MPI_LIBRARY if set, else libmpi.so.40, else libmpi.so) with
/// RTLD_GLOBAL, resolves the functions and handles, calls MPI_Init_thread asking for
/// MPI_THREAD_SERIALIZED and registers MPI_Finalize to run at exit. Idempotent.
/// Returns 0 on success; otherwise writes a message (NUL-terminated) into `message`.
int likely_mpi_initialize(char *message, size_t capacity);

/// This process's rank in MPI_COMM_WORLD, 0..<size.
int likely_mpi_rank(void);

/// The number of processes in MPI_COMM_WORLD.
int likely_mpi_size(void);

/// In-place sum over all ranks of `count` floats (MPI_Allreduce, MPI_IN_PLACE, MPI_SUM).
int likely_mpi_allreduce_sum_float(float *buffer, size_t count);

/// In-place sum over all ranks of `count` doubles.
int likely_mpi_allreduce_sum_double(double *buffer, size_t count);

/// In-place broadcast of `count` bytes from `root` to every rank (MPI_Bcast, MPI_BYTE).
int likely_mpi_broadcast_bytes(void *buffer, size_t count, int root);

/// Gathers one 64-bit integer from every rank into `received[0..<size]` at `root`
/// (`received` may be NULL on the other ranks).
int likely_mpi_gather_int64(long long value, long long *received, int root);

/// Gathers `count` floats from every rank into `received` at `root`, rank r's block
/// starting at `displacements[r]` with `counts[r]` elements (MPI_Gatherv). `counts`,
/// `displacements` and `received` are read only at `root`. Each count must fit an int.
int likely_mpi_gatherv_float(const float *send, int count, float *received,
                             const int *counts, const int *displacements, int root);

/// Blocks until every rank has reached it.
int likely_mpi_barrier(void);

/// Ends every process of the job with `code` (MPI_Abort on MPI_COMM_WORLD). Does not return.
void likely_mpi_abort(int code);

/// Wall-clock seconds (MPI_Wtime).
double likely_mpi_wtime(void);

#ifdef __cplusplus
}
#endif

#endif
