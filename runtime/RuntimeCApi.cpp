//===- RuntimeCApi.cpp - the C API of libfused_runtime --------------------===//

#include "fused-c/fused_runtime.h"

#include "fused/Runtime/Bundle.h"
#include "fused/Runtime/Compare.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

using namespace fused::rt;

struct fused_rt_bundle {
  Bundle bundle;
};
struct fused_rt_device {
  std::unique_ptr<Device> device;
  std::string backend, name, chip;
};
struct fused_rt_program {
  const fused_rt_bundle *bundle;
  Device *device;
  std::unique_ptr<BundleRunner> runner;
};

namespace {

char *copyString(const std::string &s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (p)
    std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

int fail(char **error, const std::string &message) {
  if (error)
    *error = copyString(message);
  return 1;
}

template <typename Fn> int guarded(char **error, Fn fn) {
  if (error)
    *error = nullptr;
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    return fail(error, "out of memory");
  } catch (...) {
    return fail(error, "internal error");
  }
}

/// Input (output = 0) or output `index` of `function`, or non-zero after
/// an error naming `api`.
int argument(const fused_rt_bundle *bundle, const char *function, int output,
             size_t index, const char *api, const FunctionSpec::Buffer *&out,
             char **error) {
  if (!bundle || !function)
    return fail(error, std::string(api) +
                           ": bundle and function must not be NULL");
  const FunctionSpec *f = bundle->bundle.function(function);
  if (!f)
    return fail(error, std::string("no function named '") + function + "'");
  const std::vector<int64_t> &ids = output ? f->outputs : f->inputs;
  if (index >= ids.size())
    return fail(error, std::string("@") + function + " has " +
                           std::to_string(ids.size()) +
                           (output ? " outputs" : " inputs"));
  out = &f->buffers[ids[index]];
  return 0;
}

/// The input shapes of a call of `f`: `shapes[i]` holds input i's
/// dimensions (as many as the manifest's rank); NULL `shapes` is the
/// manifest's static shapes. Non-zero after an error.
int inputShapesOf(const FunctionSpec &f, const int64_t *const *shapes,
                  std::vector<std::vector<int64_t>> &out, char **error) {
  out.clear();
  if (!shapes) {
    if (f.dynamic)
      return fail(error, "@" + f.name + " has dynamic dimensions: give the "
                         "inputs' shapes (the _shaped functions)");
    return 0;
  }
  for (size_t i = 0; i < f.inputs.size(); ++i) {
    const TensorSpec &t = f.buffers[f.inputs[i]].tensor;
    if (!shapes[i] && !t.shape.empty())
      return fail(error, "the shape of input " + std::to_string(i) +
                             " is NULL");
    out.emplace_back(shapes[i], shapes[i] + t.shape.size());
  }
  return 0;
}

} // namespace

extern "C" {

void fused_rt_string_free(char *s) { std::free(s); }

int fused_rt_bundle_open(const char *dir, fused_rt_bundle **bundle,
                         char **error) {
  return guarded(error, [&] {
    if (!dir || !bundle)
      return fail(error, "fused_rt_bundle_open: dir and bundle must not be "
                         "NULL");
    auto b = Bundle::open(dir);
    if (!b)
      return fail(error, b.getStatus().getMessage());
    *bundle = new fused_rt_bundle{std::move(*b)};
    return 0;
  });
}

void fused_rt_bundle_destroy(fused_rt_bundle *bundle) { delete bundle; }

size_t fused_rt_bundle_num_functions(const fused_rt_bundle *bundle) {
  return bundle ? bundle->bundle.functions().size() : 0;
}

const char *fused_rt_bundle_function_name(const fused_rt_bundle *bundle,
                                          size_t index) {
  if (!bundle || index >= bundle->bundle.functions().size())
    return nullptr;
  return bundle->bundle.functions()[index].name.c_str();
}

int fused_rt_bundle_tensor(const fused_rt_bundle *bundle, const char *function,
                           int output, size_t index, const char **dtype,
                           int64_t *shape, size_t max_rank, size_t *rank,
                           char **error) {
  return guarded(error, [&] {
    const FunctionSpec::Buffer *b = nullptr;
    if (int rc = argument(bundle, function, output, index,
                          "fused_rt_bundle_tensor", b, error))
      return rc;
    const TensorSpec &t = b->tensor;
    if (dtype)
      *dtype = t.dtype.c_str();
    if (rank)
      *rank = t.shape.size();
    for (size_t i = 0; shape && i < t.shape.size() && i < max_rank; ++i)
      shape[i] = t.shape[i];
    return 0;
  });
}

int fused_rt_bundle_shape(const fused_rt_bundle *bundle, const char *function,
                          const int64_t *const *input_shapes, int output,
                          size_t index, int64_t *shape, size_t max_rank,
                          size_t *rank, char **error) {
  return guarded(error, [&] {
    const FunctionSpec::Buffer *b = nullptr;
    if (int rc = argument(bundle, function, output, index,
                          "fused_rt_bundle_shape", b, error))
      return rc;
    const FunctionSpec &f = *bundle->bundle.function(function);
    std::vector<std::vector<int64_t>> shapes;
    if (int rc = inputShapesOf(f, input_shapes, shapes, error))
      return rc;
    CallSizes sizes = f.staticSizes();
    if (input_shapes) {
      StatusOr<CallSizes> bound = f.sizesFor(shapes);
      if (!bound)
        return fail(error, bound.getStatus().getMessage());
      sizes = *bound;
    }
    const std::vector<int64_t> &s =
        sizes.shapes[(output ? f.outputs : f.inputs)[index]];
    if (rank)
      *rank = s.size();
    for (size_t i = 0; shape && i < s.size() && i < max_rank; ++i)
      shape[i] = s[i];
    return 0;
  });
}

int fused_rt_bundle_alignment(const fused_rt_bundle *bundle,
                              const char *function, int output, size_t index,
                              int64_t *alignment, char **error) {
  return guarded(error, [&] {
    if (!alignment)
      return fail(error, "fused_rt_bundle_alignment: alignment must not be "
                         "NULL");
    const FunctionSpec::Buffer *b = nullptr;
    if (int rc = argument(bundle, function, output, index,
                          "fused_rt_bundle_alignment", b, error))
      return rc;
    *alignment = b->alignment;
    return 0;
  });
}

int fused_rt_bundle_reference(const fused_rt_bundle *bundle,
                              const char *function, int output, size_t index,
                              const char **file, double *tolerance,
                              char **error) {
  return guarded(error, [&] {
    if (!bundle || !function)
      return fail(error, "fused_rt_bundle_reference: bundle and function "
                         "must not be NULL");
    const FunctionSpec *f = bundle->bundle.function(function);
    if (!f)
      return fail(error, std::string("no function named '") + function + "'");
    if (!f->hasReference)
      return fail(error, std::string("@") + function +
                             " has no reference data in the bundle (compile "
                             "it with fused-compile --emit=bundle "
                             "--with-reference)");
    const std::vector<std::string> &files =
        output ? f->referenceOutputs : f->referenceInputs;
    if (index >= files.size())
      return fail(error, std::string("@") + function + " has " +
                             std::to_string(files.size()) +
                             (output ? " outputs" : " inputs"));
    if (file)
      *file = files[index].c_str();
    if (tolerance)
      *tolerance = output ? f->tolerances[index] : 0.0;
    return 0;
  });
}

int fused_rt_compare(const double *actual, const double *expected, size_t n,
                     const int64_t *shape, size_t rank, double rtol,
                     int *passed, double *relative_error, char **summary,
                     char **error) {
  return guarded(error, [&] {
    if (summary)
      *summary = nullptr;
    if ((n && (!actual || !expected)) || (rank && !shape) || !passed)
      return fail(error, "fused_rt_compare: actual, expected, shape and "
                         "passed must not be NULL");
    if (!(rtol >= 0))
      return fail(error, "fused_rt_compare: rtol must be >= 0");
    Comparison c = compare(std::vector<double>(actual, actual + n),
                           std::vector<double>(expected, expected + n), rtol);
    *passed = c.pass ? 1 : 0;
    if (relative_error)
      *relative_error = c.relativeError;
    if (summary)
      *summary = copyString(
          describe(c, std::vector<int64_t>(shape, shape + rank)));
    return 0;
  });
}

int fused_rt_device_open(const char *kind, fused_rt_device **device,
                         char **error) {
  return guarded(error, [&] {
    if (!device)
      return fail(error, "fused_rt_device_open: device must not be NULL");
    std::string k = kind ? kind : "auto";
    if (k != "auto" && k != "cuda" && k != "emulator")
      return fail(error, "unknown device '" + k +
                             "' (expected auto, cuda or emulator)");
    std::unique_ptr<Device> d;
    if (k != "emulator") {
      auto cuda = openCudaDevice();
      if (cuda)
        d = std::move(*cuda);
      else if (k == "cuda")
        return fail(error, cuda.getStatus().getMessage());
#ifndef FUSED_RUNTIME_WITH_EMULATOR
      else
        return fail(error, cuda.getStatus().getMessage() +
                               " (this runtime-only library has no "
                               "emulator)");
#endif
    }
    if (!d) {
#ifdef FUSED_RUNTIME_WITH_EMULATOR
      auto emu = openEmulatorDevice();
      if (!emu)
        return fail(error, emu.getStatus().getMessage());
      d = std::move(*emu);
#else
      return fail(error, "the emulator needs the full build of fused (this "
                         "runtime-only library has no emulator)");
#endif
    }
    auto *out = new fused_rt_device{std::move(d), "", "", ""};
    out->backend = out->device->backend();
    out->name = out->device->name();
    out->chip = out->device->chip();
    *device = out;
    return 0;
  });
}

void fused_rt_device_destroy(fused_rt_device *device) { delete device; }

const char *fused_rt_device_backend(const fused_rt_device *device) {
  return device ? device->backend.c_str() : "";
}
const char *fused_rt_device_name(const fused_rt_device *device) {
  return device ? device->name.c_str() : "";
}
const char *fused_rt_device_chip(const fused_rt_device *device) {
  return device ? device->chip.c_str() : "";
}

int fused_rt_program_load(const fused_rt_bundle *bundle,
                          fused_rt_device *device, fused_rt_program **program,
                          char **error) {
  return guarded(error, [&] {
    if (!bundle || !device || !program)
      return fail(error, "fused_rt_program_load: bundle, device and program "
                         "must not be NULL");
    auto r = BundleRunner::load(bundle->bundle, *device->device);
    if (!r)
      return fail(error, r.getStatus().getMessage());
    *program =
        new fused_rt_program{bundle, device->device.get(), std::move(*r)};
    return 0;
  });
}

void fused_rt_program_destroy(fused_rt_program *program) { delete program; }

const char *fused_rt_program_image(const fused_rt_program *program) {
  return program ? program->runner->imageChoice().c_str() : "";
}

int fused_rt_run(fused_rt_program *program, const char *function,
                 const double *const *inputs, size_t num_inputs,
                 double *const *outputs, size_t num_outputs, char **error) {
  return fused_rt_run_shaped(program, function, nullptr, inputs, num_inputs,
                             outputs, num_outputs, error);
}

int fused_rt_run_shaped(fused_rt_program *program, const char *function,
                        const int64_t *const *input_shapes,
                        const double *const *inputs, size_t num_inputs,
                        double *const *outputs, size_t num_outputs,
                        char **error) {
  return guarded(error, [&] {
    if (!program || !function)
      return fail(error, "fused_rt_run: program and function must not be "
                         "NULL");
    const FunctionSpec *f = program->bundle->bundle.function(function);
    if (!f)
      return fail(error, std::string("no function named '") + function + "'");
    if (num_inputs != f->inputs.size() || num_outputs != f->outputs.size())
      return fail(error, std::string("@") + function + " takes " +
                             std::to_string(f->inputs.size()) +
                             " inputs and returns " +
                             std::to_string(f->outputs.size()) +
                             " outputs; got " + std::to_string(num_inputs) +
                             " and " + std::to_string(num_outputs));
    std::vector<std::vector<int64_t>> shapes;
    if (int rc = inputShapesOf(*f, input_shapes, shapes, error))
      return rc;
    // The inputs' shapes are the given ones (the runner checks them) or the
    // manifest's.
    std::vector<HostTensor> in;
    for (size_t i = 0; i < num_inputs; ++i) {
      std::vector<int64_t> shape =
          input_shapes ? shapes[i] : f->buffers[f->inputs[i]].tensor.shape;
      size_t n = 1;
      for (int64_t d : shape)
        n *= static_cast<size_t>(d < 0 ? 0 : d);
      if (!inputs || (!inputs[i] && n))
        return fail(error, "input " + std::to_string(i) + " is NULL");
      in.push_back({shape, std::vector<double>(inputs[i], inputs[i] + n)});
    }
    for (size_t i = 0; i < num_outputs; ++i)
      if (!outputs || !outputs[i])
        return fail(error, "output " + std::to_string(i) + " is NULL");
    auto out = program->runner->run(function, in);
    if (!out)
      return fail(error, out.getStatus().getMessage());
    for (size_t i = 0; i < num_outputs; ++i)
      std::copy((*out)[i].data.begin(), (*out)[i].data.end(), outputs[i]);
    return 0;
  });
}

int fused_rt_workspace_size(const fused_rt_program *program,
                            const char *function, size_t *bytes,
                            char **error) {
  return fused_rt_workspace_size_shaped(program, function, nullptr, bytes,
                                        error);
}

int fused_rt_workspace_size_shaped(const fused_rt_program *program,
                                   const char *function,
                                   const int64_t *const *input_shapes,
                                   size_t *bytes, char **error) {
  return guarded(error, [&] {
    if (!program || !function || !bytes)
      return fail(error, "fused_rt_workspace_size: program, function and "
                         "bytes must not be NULL");
    const FunctionSpec *f = program->bundle->bundle.function(function);
    if (!f)
      return fail(error, std::string("no function named '") + function + "'");
    std::vector<std::vector<int64_t>> shapes;
    if (int rc = inputShapesOf(*f, input_shapes, shapes, error))
      return rc;
    StatusOr<size_t> n = program->runner->workspaceBytes(function, shapes);
    if (!n)
      return fail(error, n.getStatus().getMessage());
    *bytes = *n;
    return 0;
  });
}

int fused_rt_launch(fused_rt_program *program, const char *function,
                    void *const *inputs, size_t num_inputs,
                    void *const *outputs, size_t num_outputs, void *workspace,
                    size_t workspace_bytes, void *stream, char **error) {
  return fused_rt_launch_shaped(program, function, nullptr, inputs, num_inputs,
                                outputs, num_outputs, workspace,
                                workspace_bytes, stream, error);
}

int fused_rt_launch_shaped(fused_rt_program *program, const char *function,
                           const int64_t *const *input_shapes,
                           void *const *inputs, size_t num_inputs,
                           void *const *outputs, size_t num_outputs,
                           void *workspace, size_t workspace_bytes,
                           void *stream, char **error) {
  return guarded(error, [&] {
    if (!program || !function)
      return fail(error, "fused_rt_launch: program and function must not be "
                         "NULL");
    if ((num_inputs && !inputs) || (num_outputs && !outputs))
      return fail(error, "fused_rt_launch: the input and output arrays must "
                         "not be NULL");
    auto addresses = [](void *const *p, size_t n) {
      std::vector<uint64_t> v;
      for (size_t i = 0; i < n; ++i)
        v.push_back(reinterpret_cast<uint64_t>(p[i]));
      return v;
    };
    const FunctionSpec *f = program->bundle->bundle.function(function);
    if (!f)
      return fail(error, std::string("no function named '") + function + "'");
    std::vector<std::vector<int64_t>> shapes;
    if (input_shapes && num_inputs != f->inputs.size())
      return fail(error, std::string("@") + function + " takes " +
                             std::to_string(f->inputs.size()) + " inputs, got " +
                             std::to_string(num_inputs));
    if (int rc = inputShapesOf(*f, input_shapes, shapes, error))
      return rc;
    auto s = program->device->wrapStream(stream);
    if (!s)
      return fail(error, s.getStatus().getMessage());
    Status launched = program->runner->launch(
        function, addresses(inputs, num_inputs),
        addresses(outputs, num_outputs), reinterpret_cast<uint64_t>(workspace),
        workspace_bytes, s->get(), shapes);
    if (!launched)
      return fail(error, launched.getMessage());
    return 0;
  });
}

} // extern "C"
