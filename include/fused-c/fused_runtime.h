/* fused_runtime.h - running kernel bundles from C, without the compiler.
 *
 * libfused_runtime.so loads the bundles that `fused-compile --emit=bundle`
 * writes (docs/bundle.md), picks the image the device runs, checks the
 * arguments against the manifest and runs the bundle's functions. It needs
 * no LLVM or MLIR: the runtime-only build (cmake -DFUSED_RUNTIME_ONLY=ON)
 * makes it with a C++17 compiler alone, the CUDA driver loaded at run time;
 * the full build's copy also runs bundles on the emulator.
 *
 * Every function that can fail returns 0 on success and non-zero on
 * failure, with a message in *error (when error is not NULL) to be freed
 * with fused_rt_string_free. Nothing is thrown across the API.
 */
#ifndef FUSED_C_FUSED_RUNTIME_H
#define FUSED_C_FUSED_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fused_rt_bundle fused_rt_bundle;
typedef struct fused_rt_device fused_rt_device;
typedef struct fused_rt_program fused_rt_program;

void fused_rt_string_free(char *s);

/* Opens and validates the bundle in directory `dir`. */
int fused_rt_bundle_open(const char *dir, fused_rt_bundle **bundle,
                         char **error);
void fused_rt_bundle_destroy(fused_rt_bundle *bundle);
size_t fused_rt_bundle_num_functions(const fused_rt_bundle *bundle);
/* NULL past the end. */
const char *fused_rt_bundle_function_name(const fused_rt_bundle *bundle,
                                          size_t index);
/* Input (output = 0) or output (output = 1) `index` of `function`: its
 * dtype ("f16", "bf16", "f32", "f64"; valid while the bundle lives), its
 * rank and up to `max_rank` dimensions. Any pointer may be NULL. */
int fused_rt_bundle_tensor(const fused_rt_bundle *bundle, const char *function,
                           int output, size_t index, const char **dtype,
                           int64_t *shape, size_t max_rank, size_t *rank,
                           char **error);

/* "auto" (a CUDA GPU when there is one, else the emulator where this
 * library has it), "cuda" or "emulator"; NULL means "auto". */
int fused_rt_device_open(const char *kind, fused_rt_device **device,
                         char **error);
void fused_rt_device_destroy(fused_rt_device *device);
/* "cuda" or "emulator"; the device's name; its chip ("sm_90"; "" for the
 * emulator). Valid while the device lives. */
const char *fused_rt_device_backend(const fused_rt_device *device);
const char *fused_rt_device_name(const fused_rt_device *device);
const char *fused_rt_device_chip(const fused_rt_device *device);

/* Loads the bundle's image for the device (the bundle and the device must
 * outlive the program). */
int fused_rt_program_load(const fused_rt_bundle *bundle,
                          fused_rt_device *device, fused_rt_program **program,
                          char **error);
void fused_rt_program_destroy(fused_rt_program *program);
/* Which image was loaded and why, e.g. "cubin for sm_90 (exact match)". */
const char *fused_rt_program_image(const fused_rt_program *program);

/* Runs `function`: `inputs` holds one array of doubles per argument (in
 * the manifest's shape, row-major; values are rounded to each argument's
 * dtype), `outputs` one caller-allocated array per result. The counts must
 * match the function. */
int fused_rt_run(fused_rt_program *program, const char *function,
                 const double *const *inputs, size_t num_inputs,
                 double *const *outputs, size_t num_outputs, char **error);

#ifdef __cplusplus
}
#endif

#endif /* FUSED_C_FUSED_RUNTIME_H */
