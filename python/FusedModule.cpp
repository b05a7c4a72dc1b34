//===- FusedModule.cpp - the Python extension module fused._fused ---------===//
//
// A thin pybind11 layer over the C++ embedding API (fused/Api/Program.h):
// arrays cross as contiguous float64 numpy arrays; the Python package
// (python/fused/__init__.py) converts dtypes and adds the user-facing API.
// Errors become fused.FusedError carrying the message; no C++ exception
// escapes to the interpreter.
//
//===----------------------------------------------------------------------===//

#include "fused/Api/Program.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

PyObject *fusedError = nullptr;

[[noreturn]] void raise(const fused::rt::Status &s) {
  PyErr_SetString(fusedError, s.getMessage().c_str());
  throw py::error_already_set();
}

template <typename T> T take(fused::rt::StatusOr<T> v) {
  if (!v)
    raise(v.getStatus());
  return std::move(*v);
}

std::vector<fused::ref::Tensor> toTensors(const std::vector<Array> &arrays) {
  std::vector<fused::ref::Tensor> out;
  for (const Array &a : arrays) {
    fused::ref::Tensor t;
    for (py::ssize_t i = 0; i < a.ndim(); ++i)
      t.shape.push_back(a.shape(i));
    t.data.assign(a.data(), a.data() + a.size());
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Array> toArrays(const std::vector<fused::ref::Tensor> &tensors) {
  std::vector<Array> out;
  for (const fused::ref::Tensor &t : tensors) {
    std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
    Array a(shape);
    std::copy(t.data.begin(), t.data.end(), a.mutable_data());
    out.push_back(std::move(a));
  }
  return out;
}

py::dict describe(const fused::TensorInfo &t) {
  py::dict d;
  // None for a dynamic dimension.
  py::list shape;
  for (int64_t s : t.shape)
    shape.append(s < 0 ? py::object(py::none()) : py::object(py::int_(s)));
  d["shape"] = py::tuple(shape);
  d["dtype"] = t.dtype;
  return d;
}

} // namespace

PYBIND11_MODULE(_fused, m) {
  m.doc() = "native core of the fused compiler (use the `fused` package)";
  static py::exception<std::runtime_error> error(m, "FusedError");
  fusedError = error.ptr();

  py::class_<fused::rt::Device>(m, "Device")
      .def_property_readonly("name", &fused::rt::Device::name)
      .def_property_readonly("backend", &fused::rt::Device::backend);

  m.def(
      "open_device",
      [](const std::string &kind, uint64_t seed, int threads) {
        fused::rt::EmulatorOptions eo;
        eo.seed = seed;
        eo.hostThreads = threads;
        return take(fused::openDevice(kind, eo));
      },
      py::arg("kind"), py::arg("seed") = 1, py::arg("threads") = 0);

  py::class_<fused::Program>(m, "Program")
      .def_static(
          "compile",
          [](const std::string &source, const std::string &target,
             const std::string &chip, bool cache, const std::string &cacheDir,
             const std::string &name) {
            fused::CompileOptions o;
            o.target = target;
            o.chip = chip;
            o.cache = cache;
            o.cacheDir = cacheDir;
            o.sourceName = name;
            return take(fused::Program::compile(source, o));
          },
          py::arg("source"), py::arg("target") = "auto",
          py::arg("chip") = "auto", py::arg("cache") = true,
          py::arg("cache_dir") = "", py::arg("name") = "<source>")
      .def_property_readonly("target", &fused::Program::target)
      .def_property_readonly("from_cache", &fused::Program::fromCache)
      .def("functions",
           [](const fused::Program &p) {
             py::list out;
             for (const fused::FunctionInfo &f : p.functions()) {
               py::dict d;
               d["name"] = f.name;
               py::list ins, res;
               for (const auto &t : f.inputs)
                 ins.append(describe(t));
               for (const auto &t : f.results)
                 res.append(describe(t));
               d["inputs"] = ins;
               d["results"] = res;
               out.append(d);
             }
             return out;
           })
      .def("run",
           [](fused::Program &p, fused::rt::Device &device,
              const std::string &function, const std::vector<Array> &inputs) {
             std::vector<fused::ref::Tensor> in = toTensors(inputs);
             fused::rt::StatusOr<std::vector<fused::ref::Tensor>> out =
                 fused::rt::Status::error("not run");
             {
               py::gil_scoped_release release;
               out = p.run(device, function, in);
             }
             return toArrays(take(std::move(out)));
           })
      .def("reference",
           [](fused::Program &p, const std::string &function,
              const std::vector<Array> &inputs) {
             return toArrays(take(p.reference(function, toTensors(inputs))));
           })
      .def("tolerance", &fused::Program::tolerance)
      .def("tolerances", &fused::Program::tolerances);

  m.def(
      "compare",
      [](const Array &actual, const Array &expected, double rtol,
         const std::string &dtype) {
        std::vector<fused::ref::Tensor> t = toTensors({actual, expected});
        fused::ref::Comparison c = fused::judge(t[0], t[1], rtol, dtype);
        py::dict d;
        d["passed"] = c.pass;
        d["relative_error"] = c.relativeError;
        d["rtol"] = c.rtol;
        d["atol"] = c.atol;
        d["elements"] = c.elements;
        d["failures"] = c.failures;
        d["worst_index"] = c.worst;
        d["worst_value"] = c.worstValue;
        d["worst_reference"] = c.worstReference;
        d["summary"] = fused::ref::describe(c, t[1].shape);
        return d;
      },
      py::arg("actual"), py::arg("expected"), py::arg("rtol"),
      py::arg("dtype") = "");
  m.def("tolerance_for",
        py::overload_cast<const std::string &>(&fused::toleranceFor));

  m.def("version", &fused::version);
  m.def("cache_directory", &fused::cacheDirectory, py::arg("dir") = "");
  m.def(
      "clear_cache",
      [](const std::string &dir) { return take(fused::clearCache(dir)); },
      py::arg("dir") = "");
}
