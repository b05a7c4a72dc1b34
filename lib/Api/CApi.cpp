//===- CApi.cpp - the C API over fused::Program ---------------------------===//
//
// Handles wrap the C++ objects; every entry point catches what it could
// throw (std::bad_alloc) so that nothing crosses the C boundary.
//
//===----------------------------------------------------------------------===//

#include "fused-c/fused.h"

#include "fused/Api/Program.h"

#include <cstdlib>
#include <cstring>
#include <new>

struct fused_program {
  std::unique_ptr<fused::Program> program;
};

struct fused_device {
  std::unique_ptr<fused::rt::Device> device;
  std::string backend, name;
};

namespace {

char *copyString(const std::string &s) {
  char *out = static_cast<char *>(std::malloc(s.size() + 1));
  if (out)
    std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

int fail(char **error, const std::string &message) {
  if (error)
    *error = copyString(message);
  return 1;
}

template <typename F> int guarded(char **error, F &&f) {
  try {
    return f();
  } catch (const std::bad_alloc &) {
    return fail(error, "out of memory");
  } catch (...) {
    return fail(error, "internal error");
  }
}

const fused::FunctionInfo *findFunction(const fused_program *p,
                                        const char *name) {
  if (!p || !name)
    return nullptr;
  for (const fused::FunctionInfo &f : p->program->functions())
    if (f.name == name)
      return &f;
  return nullptr;
}

size_t elementsOf(const fused::TensorInfo &t) {
  size_t n = 1;
  for (int64_t d : t.shape)
    n *= static_cast<size_t>(d < 0 ? 0 : d);
  return n;
}

/// Checks the counts and converts the float inputs to reference tensors.
int gatherInputs(const fused::FunctionInfo *f, const char *function,
                 const float *const *inputs, size_t numInputs,
                 size_t numOutputs, std::vector<fused::ref::Tensor> &out,
                 char **error) {
  if (!f)
    return fail(error, std::string("no function named '") +
                           (function ? function : "(null)") + "'");
  if (numInputs != f->inputs.size() || numOutputs != f->results.size())
    return fail(error, "@" + f->name + " takes " +
                           std::to_string(f->inputs.size()) +
                           " inputs and returns " +
                           std::to_string(f->results.size()) + " results, got " +
                           std::to_string(numInputs) + " and " +
                           std::to_string(numOutputs));
  for (size_t i = 0; i < numInputs; ++i) {
    if (!inputs || !inputs[i])
      return fail(error, "input " + std::to_string(i) + " is NULL");
    for (int64_t d : f->inputs[i].shape)
      if (d < 0)
        return fail(error, "@" + f->name + " has dynamic dimensions, which "
                           "the C API does not take yet (the C++ API, "
                           "fused::Program::run, does)");
    size_t n = elementsOf(f->inputs[i]);
    out.push_back({f->inputs[i].shape,
                   std::vector<double>(inputs[i], inputs[i] + n)});
  }
  return 0;
}

int scatterOutputs(const std::vector<fused::ref::Tensor> &results,
                   float *const *outputs, size_t numOutputs, char **error) {
  for (size_t i = 0; i < numOutputs && i < results.size(); ++i) {
    if (!outputs || !outputs[i])
      return fail(error, "output " + std::to_string(i) + " is NULL");
    for (size_t j = 0; j < results[i].data.size(); ++j)
      outputs[i][j] = static_cast<float>(results[i].data[j]);
  }
  return 0;
}

} // namespace

extern "C" {

const char *fused_version(void) {
  static const std::string v = fused::version();
  return v.c_str();
}

void fused_string_free(char *s) { std::free(s); }

int fused_compile(const char *source, const char *target, const char *chip,
                  int use_cache, fused_program **program, char **error) {
  return guarded(error, [&] {
    if (!source || !program)
      return fail(error, "fused_compile: source and program must not be NULL");
    fused::CompileOptions options;
    if (target)
      options.target = target;
    if (chip)
      options.chip = chip;
    options.cache = use_cache != 0;
    auto compiled = fused::Program::compile(source, options);
    if (!compiled)
      return fail(error, compiled.getStatus().getMessage());
    *program = new fused_program{std::move(*compiled)};
    return 0;
  });
}

int fused_program_from_cache(const fused_program *program) {
  return program && program->program->fromCache() ? 1 : 0;
}

void fused_program_destroy(fused_program *program) { delete program; }

size_t fused_program_num_functions(const fused_program *program) {
  return program ? program->program->functions().size() : 0;
}

const char *fused_program_function_name(const fused_program *program,
                                        size_t index) {
  if (!program || index >= program->program->functions().size())
    return nullptr;
  return program->program->functions()[index].name.c_str();
}

int fused_program_tensor(const fused_program *program, const char *function,
                         int is_result, size_t index, size_t *rank,
                         int64_t *shape, size_t max_rank, size_t *elements,
                         const char **dtype) {
  const fused::FunctionInfo *f = findFunction(program, function);
  if (!f)
    return 1;
  const auto &list = is_result ? f->results : f->inputs;
  if (index >= list.size())
    return 1;
  const fused::TensorInfo &t = list[index];
  if (rank)
    *rank = t.shape.size();
  if (shape)
    for (size_t i = 0; i < t.shape.size() && i < max_rank; ++i)
      shape[i] = t.shape[i];
  if (elements)
    *elements = elementsOf(t);
  if (dtype)
    *dtype = t.dtype.c_str();
  return 0;
}

int fused_device_open(const char *kind, fused_device **device, char **error) {
  return guarded(error, [&] {
    if (!device)
      return fail(error, "fused_device_open: device must not be NULL");
    auto d = fused::openDevice(kind ? kind : "auto");
    if (!d)
      return fail(error, d.getStatus().getMessage());
    auto *h = new fused_device;
    h->backend = (*d)->backend();
    h->name = (*d)->name();
    h->device = std::move(*d);
    *device = h;
    return 0;
  });
}

const char *fused_device_backend(const fused_device *device) {
  return device ? device->backend.c_str() : "";
}

const char *fused_device_name(const fused_device *device) {
  return device ? device->name.c_str() : "";
}

void fused_device_destroy(fused_device *device) { delete device; }

int fused_run(fused_program *program, fused_device *device,
              const char *function, const float *const *inputs,
              size_t num_inputs, float *const *outputs, size_t num_outputs,
              char **error) {
  return guarded(error, [&] {
    if (!program || !device)
      return fail(error, "fused_run: program and device must not be NULL");
    std::vector<fused::ref::Tensor> in;
    if (int rc = gatherInputs(findFunction(program, function), function,
                              inputs, num_inputs, num_outputs, in, error))
      return rc;
    auto results = program->program->run(*device->device, function, in);
    if (!results)
      return fail(error, results.getStatus().getMessage());
    return scatterOutputs(*results, outputs, num_outputs, error);
  });
}

int fused_reference(fused_program *program, const char *function,
                    const float *const *inputs, size_t num_inputs,
                    float *const *outputs, size_t num_outputs, char **error) {
  return guarded(error, [&] {
    if (!program)
      return fail(error, "fused_reference: program must not be NULL");
    std::vector<fused::ref::Tensor> in;
    if (int rc = gatherInputs(findFunction(program, function), function,
                              inputs, num_inputs, num_outputs, in, error))
      return rc;
    auto results = program->program->reference(function, in);
    if (!results)
      return fail(error, results.getStatus().getMessage());
    return scatterOutputs(*results, outputs, num_outputs, error);
  });
}

double fused_tolerance_for(const char *dtype) {
  return fused::toleranceFor(std::string(dtype ? dtype : "f32"));
}

int fused_compare(const float *actual, const float *expected, size_t n,
                  double rtol, fused_comparison *result, char **error) {
  return guarded(error, [&] {
    if (!result || (n && (!actual || !expected)))
      return fail(error, "fused_compare: arrays and result must not be NULL");
    fused::ref::Tensor a({static_cast<int64_t>(n)}),
        e({static_cast<int64_t>(n)});
    for (size_t i = 0; i < n; ++i) {
      a.data[i] = actual[i];
      e.data[i] = expected[i];
    }
    fused::ref::Comparison c =
        fused::judge(a, e, rtol > 0 ? rtol : fused::toleranceFor("f32"));
    result->passed = c.pass ? 1 : 0;
    result->relative_error = c.relativeError;
    result->rtol = c.rtol;
    result->atol = c.atol;
    result->elements = static_cast<size_t>(c.elements);
    result->failures = static_cast<size_t>(c.failures);
    result->worst_index = c.worst < 0 ? 0 : static_cast<size_t>(c.worst);
    result->worst_value = c.worstValue;
    result->worst_reference = c.worstReference;
    return 0;
  });
}

int fused_program_tolerances(const fused_program *program,
                             const char *function, double *tolerances,
                             size_t capacity, size_t *count, char **error) {
  return guarded(error, [&] {
    if (!program || !function || !count)
      return fail(error, "fused_program_tolerances: program, function and "
                         "count must not be NULL");
    if (!findFunction(program, function))
      return fail(error, std::string("no function named '") + function + "'");
    std::vector<double> t = program->program->tolerances(function);
    *count = t.size();
    for (size_t i = 0; i < t.size() && i < capacity && tolerances; ++i)
      tolerances[i] = t[i];
    return 0;
  });
}

char *fused_cache_directory(const char *dir) {
  try {
    return copyString(fused::cacheDirectory(dir ? dir : ""));
  } catch (...) {
    return nullptr;
  }
}

int fused_cache_clear(const char *dir, char **error) {
  return guarded(error, [&] {
    auto removed = fused::clearCache(dir ? dir : "");
    if (!removed)
      return fail(error, removed.getStatus().getMessage());
    return 0;
  });
}

} // extern "C"
