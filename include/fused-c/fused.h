/*===- fused.h - the C API of the fused compiler ------------------*- C -*-===*
 *
 * Compile a module of `fused` ops (MLIR text) and run its functions on a
 * CUDA GPU or on the CPU emulator, from C:
 *
 *     fused_program *program;
 *     fused_device *device;
 *     char *error = NULL;
 *     if (fused_compile(source, "auto", NULL, 1, &program, &error) ||
 *         fused_device_open("auto", &device, &error)) {
 *       fprintf(stderr, "%s\n", error);
 *       fused_string_free(error);
 *       return 1;
 *     }
 *     const float *inputs[] = {a, b};
 *     float *outputs[] = {c};
 *     if (fused_run(program, device, "gemm", inputs, 2, outputs, 1, &error))
 *       ...
 *     fused_device_destroy(device);
 *     fused_program_destroy(program);
 *
 * Conventions:
 *  - Every function that can fail returns 0 on success and a non-zero
 *    value on failure. On failure, when `error` is not NULL, *error
 *    receives a message (the compiler's diagnostics, with file, line and
 *    column, or the runtime's reason) to be freed with fused_string_free.
 *    Nothing is thrown or aborted across this interface.
 *  - Tensors are dense, row-major arrays of float (32-bit), whatever the
 *    element type of the function's argument or result: inputs are rounded
 *    to the argument types (f16, bf16, ...) and results widened to float.
 *    Their sizes come from the function's signature: query them with
 *    fused_program_tensor. A function with dynamic dimensions (-1 in its
 *    shapes) is refused here; the C++ API (fused::Program::run) and the
 *    runtime's C API (fused_rt_run_shaped, on a bundle) run it.
 *  - Handles are opaque; destroy each exactly once. A program may run on
 *    a device of the kind it was compiled for ("cuda" or "emulator").
 *  - Compiled programs are cached on disk (see fused_cache_directory).
 *
 * Link with the `fused::fused` CMake target (find_package(fused)).
 *===----------------------------------------------------------------------===*/

#ifndef FUSED_C_FUSED_H
#define FUSED_C_FUSED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fused_program fused_program;
typedef struct fused_device fused_device;

/* The compiler version, e.g. "0.1.0". Static storage; do not free. */
const char *fused_version(void);

/* Frees a string returned by this API (NULL is allowed). */
void fused_string_free(char *s);

/* Compiles `source` (MLIR text, NUL-terminated). `target`: "auto" (a CUDA
 * GPU when present, else the emulator), "cuda" or "emulator"; NULL means
 * "auto". `chip`: "sm_80", "sm_86", "sm_89", "sm_90" or "auto" (the
 * chip of the CUDA device present for the cuda target, else sm_80); NULL
 * means "auto".
 * `use_cache`: non-zero to read and write the kernel cache. */
int fused_compile(const char *source, const char *target, const char *chip,
                  int use_cache, fused_program **program, char **error);

/* Non-zero when fused_compile was served from the cache. */
int fused_program_from_cache(const fused_program *program);

void fused_program_destroy(fused_program *program);

/* The number of functions, and the name of function `index` (owned by the
 * program), or NULL when out of range. */
size_t fused_program_num_functions(const fused_program *program);
const char *fused_program_function_name(const fused_program *program,
                                        size_t index);

/* Describes input (`is_result` 0) or result (`is_result` non-zero) number
 * `index` of `function`: its rank (up to `max_rank` dimensions are written
 * to `shape`), its element count and its element type ("f16", "bf16",
 * "f32", ...; owned by the program). Any output pointer may be NULL.
 * Returns 0, or non-zero for an unknown function or index. */
int fused_program_tensor(const fused_program *program, const char *function,
                         int is_result, size_t index, size_t *rank,
                         int64_t *shape, size_t max_rank, size_t *elements,
                         const char **dtype);

/* Opens a device: "auto", "cuda" or "emulator". Without a GPU, "cuda"
 * fails with a message saying so. */
int fused_device_open(const char *kind, fused_device **device, char **error);

/* "cuda" or "emulator"; the device's name. Owned by the device. */
const char *fused_device_backend(const fused_device *device);
const char *fused_device_name(const fused_device *device);

void fused_device_destroy(fused_device *device);

/* Runs `function`: `inputs` holds one array per argument, `outputs` one
 * caller-allocated array per result (sizes from fused_program_tensor).
 * The counts must match the signature. */
int fused_run(fused_program *program, fused_device *device,
              const char *function, const float *const *inputs,
              size_t num_inputs, float *const *outputs, size_t num_outputs,
              char **error);

/* Evaluates `function` in float64 with the reference evaluator (on the
 * inputs rounded to the argument types) and writes float results. */
int fused_reference(fused_program *program, const char *function,
                    const float *const *inputs, size_t num_inputs,
                    float *const *outputs, size_t num_outputs, char **error);

/* The judgement of one result (fused-compile --check's rule): every element
 * must satisfy |actual - expected| <= atol + rtol * |expected| with atol =
 * rtol * max|expected|; a NaN or infinity where `expected` is finite fails.
 * The relative norm error is for information. Without a result type, an
 * infinity where `expected` is beyond the type's range fails here too
 * (fused-compile --check and Python's fused.compare, which know the type,
 * accept it). */
typedef struct fused_comparison {
  int passed;
  double relative_error;
  double rtol;
  double atol;
  size_t elements;
  size_t failures;
  /* The element nearest to or furthest past the limit (flat index). */
  size_t worst_index;
  double worst_value;
  double worst_reference;
} fused_comparison;

/* The tolerance fused uses for results of element type `dtype` ("f16",
 * "bf16", "f32", ...): 2e-3, 1e-2, else 1e-5. */
double fused_tolerance_for(const char *dtype);

/* Compares `n` elements of `actual` with `expected` at `rtol` (0: f32's).
 * Returns 0 when the comparison ran (see result->passed). */
int fused_compare(const float *actual, const float *expected, size_t n,
                  double rtol, fused_comparison *result, char **error);

/* The per-result tolerance fused uses for `function` (in result order;
 * `count` entries are written, at most `capacity`). */
int fused_program_tolerances(const fused_program *program,
                             const char *function, double *tolerances,
                             size_t capacity, size_t *count, char **error);

/* The cache directory (`dir` when not NULL, else $FUSED_CACHE_DIR, else
 * $XDG_CACHE_HOME/fused, else $HOME/.cache/fused), to be freed with
 * fused_string_free; and removing every cached program from it. */
char *fused_cache_directory(const char *dir);
int fused_cache_clear(const char *dir, char **error);

#ifdef __cplusplus
}
#endif

#endif /* FUSED_C_FUSED_H */
