// One C module for GSL and OpenBLAS.
//
// GSL ships its own reference CBLAS header whose enums clash with OpenBLAS's <cblas.h>.
// Including <cblas.h> first and defining __GSL_CBLAS_H__ keeps GSL's copy out, so every
// cblas_* symbol resolves to OpenBLAS (we link openblas, never gslcblas).
#ifndef LIKELY_CGSL_H
#define LIKELY_CGSL_H

#include <cblas.h>
#define __GSL_CBLAS_H__

#include <malloc.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_log.h>
#include <gsl/gsl_sf_exp.h>
#include <gsl/gsl_sf_result.h>

/// GSL's generator types are C globals, which Swift 6 flags as shared mutable state.
/// These accessors read them once, here, so Swift code never touches the globals.
static inline const gsl_rng_type *likely_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }

/// Turns GSL's default error handler (which aborts the process) off; callers check
/// return codes and domains themselves.
static inline void likely_gsl_disable_abort(void) { gsl_set_error_handler_off(); }

/// glibc's mallopt: M_MMAP_THRESHOLD and M_TRIM_THRESHOLD for the whole process, so freed
/// step buffers stay in the heap for reuse (HeapReuse.swift). <malloc.h> is not in Swift's Glibc module.
static inline void likely_keep_freed_memory(int mmap_threshold, int trim_threshold) {
    mallopt(M_MMAP_THRESHOLD, mmap_threshold);
    mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

/// LAPACK routines that OpenBLAS exports (Fortran calling convention: every argument by
/// pointer, matrices column-major). Used by the Laplace posteriors: the symmetric
/// eigendecomposition of the curvature and the Cholesky factor of the posterior precision.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w,
             float *work, const int *lwork, int *iwork, const int *liwork, int *info);

#endif
