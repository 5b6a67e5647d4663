// Open MPI loaded on demand; see include/CMPI.h for why.
#include "CMPI.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>

// <mpi.h> gives the types and prototypes only. Nothing below names an MPI symbol outside
// __typeof__, so the object file has no reference to libmpi and needs no -lmpi.
#include <mpi/mpi.h>

// The functions used, resolved by dlsym.
static struct {
    __typeof__(&MPI_Init_thread) init_thread;
    __typeof__(&MPI_Initialized) initialized;
    __typeof__(&MPI_Finalized) finalized;
    __typeof__(&MPI_Finalize) finalize;
    __typeof__(&MPI_Comm_rank) comm_rank;
    __typeof__(&MPI_Comm_size) comm_size;
    __typeof__(&MPI_Allreduce) allreduce;
    __typeof__(&MPI_Bcast) bcast;
    __typeof__(&MPI_Gather) gather;
    __typeof__(&MPI_Gatherv) gatherv;
    __typeof__(&MPI_Barrier) barrier;
    __typeof__(&MPI_Abort) abort;
    __typeof__(&MPI_Wtime) wtime;
    // Open MPI's predefined handles are the addresses of these globals.
    MPI_Comm world;
    MPI_Datatype float_type, double_type, byte_type, int64_type;
    MPI_Op sum;
    int ready;
} mpi;

static pthread_mutex_t mpi_lock = PTHREAD_MUTEX_INITIALIZER;

int likely_mpi_launched(void) {
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    const char *rank = getenv("PMIX_RANK");
    return (size != NULL && size[0] != '\0') || (rank != NULL && rank[0] != '\0');
}

static void finalize_at_exit(void) {
    int finalized = 0;
    mpi.finalized(&finalized);
    if (!finalized) mpi.finalize();
}

// Resolves `name` into `*slot`; on failure writes a message and returns 0.
static int resolve(void *library, const char *name, void **slot, char *message, size_t capacity) {
    dlerror();
    void *symbol = dlsym(library, name);
    if (symbol == NULL) {
        const char *why = dlerror();
        snprintf(message, capacity, "libmpi has no symbol %s (%s); Likely needs Open MPI 4 or later",
                 name, why ? why : "not found");
        return 0;
    }
    *slot = symbol;
    return 1;
}

int likely_mpi_initialize(char *message, size_t capacity) {
    pthread_mutex_lock(&mpi_lock);
    if (mpi.ready) {
        pthread_mutex_unlock(&mpi_lock);
        return 0;
    }
    const char *candidates[] = {getenv("LIKELY_MPI_LIBRARY"), "libmpi.so.40", "libmpi.so"};
    void *library = NULL;
    const char *last_error = "no candidate";
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && library == NULL; i++) {
        if (candidates[i] == NULL || candidates[i][0] == '\0') continue;
        // RTLD_GLOBAL: Open MPI's own plugins, loaded later, resolve symbols of libmpi.
        library = dlopen(candidates[i], RTLD_NOW | RTLD_GLOBAL);
        if (library == NULL) last_error = dlerror();
    }
    if (library == NULL) {
        snprintf(message, capacity,
                 "running under mpirun but Open MPI's library could not be loaded (%s); "
                 "install libopenmpi-dev or set LIKELY_MPI_LIBRARY to the path of libmpi.so",
                 last_error);
        pthread_mutex_unlock(&mpi_lock);
        return 1;
    }
    struct { const char *name; void **slot; } table[] = {
        {"MPI_Init_thread", (void **)&mpi.init_thread},
        {"MPI_Initialized", (void **)&mpi.initialized},
        {"MPI_Finalized", (void **)&mpi.finalized},
        {"MPI_Finalize", (void **)&mpi.finalize},
        {"MPI_Comm_rank", (void **)&mpi.comm_rank},
        {"MPI_Comm_size", (void **)&mpi.comm_size},
        {"MPI_Allreduce", (void **)&mpi.allreduce},
        {"MPI_Bcast", (void **)&mpi.bcast},
        {"MPI_Gather", (void **)&mpi.gather},
        {"MPI_Gatherv", (void **)&mpi.gatherv},
        {"MPI_Barrier", (void **)&mpi.barrier},
        {"MPI_Abort", (void **)&mpi.abort},
        {"MPI_Wtime", (void **)&mpi.wtime},
        {"ompi_mpi_comm_world", (void **)&mpi.world},
        {"ompi_mpi_float", (void **)&mpi.float_type},
        {"ompi_mpi_double", (void **)&mpi.double_type},
        {"ompi_mpi_byte", (void **)&mpi.byte_type},
        {"ompi_mpi_int64_t", (void **)&mpi.int64_type},
        {"ompi_mpi_op_sum", (void **)&mpi.sum},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (!resolve(library, table[i].name, table[i].slot, message, capacity)) {
            pthread_mutex_unlock(&mpi_lock);
            return 1;
        }
    }
    int already = 0;
    mpi.initialized(&already);
    if (!already) {
        int provided = 0;
        int status = mpi.init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
        if (status != MPI_SUCCESS) {
            snprintf(message, capacity, "MPI_Init_thread failed with code %d", status);
            pthread_mutex_unlock(&mpi_lock);
            return 1;
        }
        atexit(finalize_at_exit);
    }
    mpi.ready = 1;
    pthread_mutex_unlock(&mpi_lock);
    return 0;
}

int likely_mpi_rank(void) {
    int rank = 0;
    mpi.comm_rank(mpi.world, &rank);
    return rank;
}

int likely_mpi_size(void) {
    int size = 1;
    mpi.comm_size(mpi.world, &size);
    return size;
}

// MPI counts are ints: longer buffers go in chunks of at most INT_MAX elements.
static int allreduce_chunked(char *buffer, size_t count, size_t element_size, MPI_Datatype type) {
    while (count > 0) {
        int chunk = count > (size_t)INT_MAX ? INT_MAX : (int)count;
        int status = mpi.allreduce(MPI_IN_PLACE, buffer, chunk, type, mpi.sum, mpi.world);
        if (status != MPI_SUCCESS) return status;
        buffer += (size_t)chunk * element_size;
        count -= (size_t)chunk;
    }
    return MPI_SUCCESS;
}

int likely_mpi_allreduce_sum_float(float *buffer, size_t count) {
    return allreduce_chunked((char *)buffer, count, sizeof(float), mpi.float_type);
}

int likely_mpi_allreduce_sum_double(double *buffer, size_t count) {
    return allreduce_chunked((char *)buffer, count, sizeof(double), mpi.double_type);
}

int likely_mpi_broadcast_bytes(void *buffer, size_t count, int root) {
    char *bytes = buffer;
    while (count > 0) {
        int chunk = count > (size_t)INT_MAX ? INT_MAX : (int)count;
        int status = mpi.bcast(bytes, chunk, mpi.byte_type, root, mpi.world);
        if (status != MPI_SUCCESS) return status;
        bytes += chunk;
        count -= (size_t)chunk;
    }
    return MPI_SUCCESS;
}

int likely_mpi_gather_int64(long long value, long long *received, int root) {
    int64_t sent = (int64_t)value;
    return mpi.gather(&sent, 1, mpi.int64_type, received, 1, mpi.int64_type, root, mpi.world);
}

int likely_mpi_gatherv_float(const float *send, int count, float *received,
                             const int *counts, const int *displacements, int root) {
    return mpi.gatherv(send, count, mpi.float_type, received, counts, displacements,
                       mpi.float_type, root, mpi.world);
}

int likely_mpi_barrier(void) {
    return mpi.barrier(mpi.world);
}

void likely_mpi_abort(int code) {
    mpi.abort(mpi.world, code);
    // MPI_Abort does not return; should the launcher be gone, still end this process.
    _exit(code);
}

double likely_mpi_wtime(void) {
    return mpi.wtime();
}
