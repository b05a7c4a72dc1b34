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
 * rank and up to `max_rank` dimensions, -1 where a dimension is dynamic
 * (`?`). Any pointer may be NULL. */
int fused_rt_bundle_tensor(const fused_rt_bundle *bundle, const char *function,
                           int output, size_t index, const char **dtype,
                           int64_t *shape, size_t max_rank, size_t *rank,
                           char **error);

/* Functions with dynamic dimensions are called with the shapes of their
 * inputs: `input_shapes[i]` holds input i's dimensions (its rank of them);
 * the sizes they give decide every other shape. The _shaped functions
 * take them; the others pass NULL, which a function with dynamic
 * dimensions refuses. Shapes that disagree (two inputs that must have one
 * size but do not) are refused, naming the input and dimension.
 *
 * The shape of input or output `index` for those input shapes (NULL: the
 * static shapes): to allocate the outputs. */
int fused_rt_bundle_shape(const fused_rt_bundle *bundle, const char *function,
                          const int64_t *const *input_shapes, int output,
                          size_t index, int64_t *shape, size_t max_rank,
                          size_t *rank, char **error);

/* The alignment in bytes that the base address of that input or output
 * must have when it is passed to fused_rt_launch (16 where the kernels
 * use 16-byte copies; device allocations are 256-byte aligned). */
int fused_rt_bundle_alignment(const fused_rt_bundle *bundle,
                              const char *function, int output, size_t index,
                              int64_t *alignment, char **error);

/* With --with-reference: the file (in the bundle directory) of stored
 * input or reference output `index` of `function` (float64 .npy for
 * outputs; inputs in their dtype, bf16 as float32), and the tolerance of
 * output `index`. An error when the function has no reference data. */
int fused_rt_bundle_reference(const fused_rt_bundle *bundle,
                              const char *function, int output, size_t index,
                              const char **file, double *tolerance,
                              char **error);

/* The rule of fused-run --check (fused's one comparison rule): every
 * element within atol + rtol * |ref|, atol = rtol * max |ref|; NaN or
 * infinity where the reference is finite fails (fused-run --check, which
 * knows the output's type, accepts the infinity that type makes of a
 * reference beyond its range; this function has no type and does not).
 * `shape` (rank entries)
 * names the worst element in *summary (free with fused_rt_string_free;
 * may be NULL). *passed is 1 or 0. */
int fused_rt_compare(const double *actual, const double *expected, size_t n,
                     const int64_t *shape, size_t rank, double rtol,
                     int *passed, double *relative_error, char **summary,
                     char **error);

/* "auto" (a CUDA GPU when there is one, else the emulator where this
 * library has it), "cuda" or "emulator"; NULL means "auto". The CUDA
 * driver is libcuda.so.1 from the loader's path, or $FUSED_CUDA_DRIVER. */
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
int fused_rt_run_shaped(fused_rt_program *program, const char *function,
                        const int64_t *const *input_shapes,
                        const double *const *inputs, size_t num_inputs,
                        double *const *outputs, size_t num_outputs,
                        char **error);

/* Running on memory the caller owns: no copies, no allocations.
 *
 * `inputs` and `outputs` hold the addresses of the function's arguments in
 * the manifest's dtype, shape and row-major layout: device pointers (e.g.
 * from cudaMalloc or a PyTorch CUDA tensor) in the primary context of the
 * program's device, or host memory on the emulator. Inputs may share
 * memory; an output may not overlap any other argument or the workspace.
 * A function that passes data between its kernels needs a workspace of
 * fused_rt_workspace_size bytes, 256-byte aligned (NULL when the size is
 * 0). `stream` is a CUstream / cudaStream_t (NULL: the default stream).
 *
 * Everything is checked before the first launch (counts, null and
 * misaligned addresses, overlaps, the workspace); then the kernels are
 * enqueued on the stream in order and the call returns: the caller
 * synchronises the stream before reading the outputs. On the emulator the
 * stream is ignored and the call returns when the kernels have run. */
int fused_rt_workspace_size(const fused_rt_program *program,
                            const char *function, size_t *bytes,
                            char **error);
int fused_rt_launch(fused_rt_program *program, const char *function,
                    void *const *inputs, size_t num_inputs,
                    void *const *outputs, size_t num_outputs, void *workspace,
                    size_t workspace_bytes, void *stream, char **error);
int fused_rt_workspace_size_shaped(const fused_rt_program *program,
                                   const char *function,
                                   const int64_t *const *input_shapes,
                                   size_t *bytes, char **error);
int fused_rt_launch_shaped(fused_rt_program *program, const char *function,
                           const int64_t *const *input_shapes,
                           void *const *inputs, size_t num_inputs,
                           void *const *outputs, size_t num_outputs,
                           void *workspace, size_t workspace_bytes,
                           void *stream, char **error);

#ifdef __cplusplus
}
#endif

#endif /* FUSED_C_FUSED_RUNTIME_H */
