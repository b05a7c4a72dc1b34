//===- Bundle.cpp - loading and running kernel bundles --------------------===//

#include "fused/Runtime/Bundle.h"

#include "fused/Runtime/Float16.h"
#include "fused/Runtime/Images.h"
#include "fused/Runtime/Json.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <sys/stat.h>

namespace fused::rt {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

size_t dtypeBytes(const std::string &dtype) {
  if (dtype == "f16" || dtype == "bf16")
    return 2;
  if (dtype == "f32")
    return 4;
  if (dtype == "f64")
    return 8;
  return 0;
}

std::vector<uint8_t> encodeValues(const std::vector<double> &values,
                                  const std::string &dtype) {
  size_t w = dtypeBytes(dtype);
  std::vector<uint8_t> out(values.size() * w);
  for (size_t i = 0; i < values.size(); ++i) {
    uint8_t *p = out.data() + i * w;
    if (dtype == "f64") {
      std::memcpy(p, &values[i], 8);
    } else if (dtype == "f32") {
      float f = static_cast<float>(values[i]);
      std::memcpy(p, &f, 4);
    } else {
      // Through float: double -> float rounding first can double-round in
      // rare ties; inputs here are drawn as floats or already rounded.
      uint16_t h = dtype == "f16" ? floatToHalf(static_cast<float>(values[i]))
                                  : floatToBf16(static_cast<float>(values[i]));
      std::memcpy(p, &h, 2);
    }
  }
  return out;
}

std::vector<double> decodeValues(const std::vector<uint8_t> &bytes,
                                 const std::string &dtype) {
  size_t w = dtypeBytes(dtype);
  std::vector<double> out(w ? bytes.size() / w : 0);
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t *p = bytes.data() + i * w;
    if (dtype == "f64") {
      std::memcpy(&out[i], p, 8);
    } else if (dtype == "f32") {
      float f;
      std::memcpy(&f, p, 4);
      out[i] = f;
    } else {
      uint16_t h;
      std::memcpy(&h, p, 2);
      out[i] = dtype == "f16" ? halfToFloat(h) : bf16ToFloat(h);
    }
  }
  return out;
}

uint64_t outputChecksum(const std::vector<uint8_t> &bytes) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t byte : bytes)
    h = (h ^ byte) * 1099511628211ull;
  return h;
}

int64_t TensorSpec::elements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string TensorSpec::text() const {
  std::string s = dtype + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

//===----------------------------------------------------------------------===//
// The manifest
//===----------------------------------------------------------------------===//

namespace {

bool fileExists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

StatusOr<std::string> readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Reads the manifest's fields with errors that say where.
struct Reader {
  std::string where; // "manifest.json: kernels[2]"
  std::string error;

  bool fail(const std::string &what) {
    if (error.empty())
      error = where + ": " + what;
    return false;
  }
  /// The error after a failed read: the first field that failed, else the
  /// entry itself, which was not an object.
  Status status() const {
    return Status::error(error.empty() ? where + ": not an object" : error);
  }
  const json::Value *member(const json::Value &o, const std::string &key,
                            json::Value::Kind kind) {
    const json::Value *v = o.get(key);
    static const char *names[] = {"null",   "a boolean", "a number",
                                  "a string", "an array", "an object"};
    if (!v) {
      fail("missing \"" + key + "\"");
      return nullptr;
    }
    if (v->kind() != kind) {
      fail("\"" + key + "\" must be " + names[static_cast<int>(kind)]);
      return nullptr;
    }
    return v;
  }
  bool str(const json::Value &o, const std::string &key, std::string &out) {
    const json::Value *v = member(o, key, json::Value::Kind::String);
    if (v)
      out = v->string();
    return v != nullptr;
  }
  bool integer(const json::Value &o, const std::string &key, int64_t &out,
               int64_t lo = std::numeric_limits<int64_t>::min()) {
    const json::Value *v = member(o, key, json::Value::Kind::Number);
    if (!v)
      return false;
    if (!v->integer(out) || out < lo)
      return fail("\"" + key + "\" must be an integer" +
                  (lo == 0 ? " >= 0" : lo == 1 ? " >= 1" : ""));
    return true;
  }
  bool ints(const json::Value &o, const std::string &key,
            std::vector<int64_t> &out, int64_t lo = 0) {
    const json::Value *v = member(o, key, json::Value::Kind::Array);
    if (!v)
      return false;
    out.clear();
    for (const json::Value &x : v->array()) {
      int64_t n;
      if (!x.integer(n) || n < lo)
        return fail("\"" + key + "\" must hold integers >= " +
                    std::to_string(lo));
      out.push_back(n);
    }
    return true;
  }
  bool tensor(const json::Value &o, TensorSpec &t) {
    if (!str(o, "dtype", t.dtype) || !ints(o, "shape", t.shape))
      return false;
    if (!dtypeBytes(t.dtype))
      return fail("dtype \"" + t.dtype + "\" is not one the runtime runs "
                  "(f16, bf16, f32, f64)");
    return true;
  }
};

} // namespace

StatusOr<Bundle> Bundle::open(const std::string &dir) {
  std::string path = dir + "/manifest.json";
  if (!fileExists(path))
    return Status::error(dir + " is not a fused bundle: it has no "
                               "manifest.json");
  StatusOr<std::string> text = readFile(path);
  if (!text)
    return text.getStatus();
  StatusOr<json::Value> root = json::parse(*text);
  if (!root)
    return Status::error(path + ": " + root.getStatus().getMessage());
  Reader r{path};
  Bundle b;
  b.dir = dir;
  const json::Value &m = *root;
  if (!m.isObject())
    return Status::error(path + ": the manifest must be a JSON object");
  std::string format;
  int64_t version = 0;
  if (!r.str(m, "format", format) || !r.integer(m, "version", version))
    return r.status();
  if (format != "fused-bundle")
    return Status::error(path + ": format \"" + format +
                         "\" is not \"fused-bundle\"");
  if (version != 2)
    return Status::error(path + ": manifest version " +
                         std::to_string(version) +
                         " is not supported (this runtime reads version 2; "
                         "recompile the bundle)");
  if (const json::Value *chips =
          r.member(m, "chips", json::Value::Kind::Array)) {
    for (const json::Value &c : chips->array())
      if (c.isString())
        b.chipList.push_back(c.string());
  } else {
    return r.status();
  }

  // Images.
  const json::Value *images = r.member(m, "images", json::Value::Kind::Array);
  if (!images)
    return r.status();
  for (size_t i = 0; i < images->array().size(); ++i) {
    const json::Value &im = images->array()[i];
    Reader ir{path + ": images[" + std::to_string(i) + "]"};
    ImageSpec spec;
    std::string fmt;
    if (!im.isObject() || !ir.str(im, "format", fmt) ||
        !ir.str(im, "file", spec.file))
      return ir.status();
    if (fmt == "cubin")
      spec.format = ModuleFormat::Cubin;
    else if (fmt == "ptx")
      spec.format = ModuleFormat::PTX;
    else if (fmt == "emulator")
      spec.format = ModuleFormat::EmulatorIR;
    else
      return Status::error(ir.where + ": unknown format \"" + fmt + "\"");
    if (spec.format != ModuleFormat::EmulatorIR) {
      if (!ir.str(im, "chip", spec.chip))
        return ir.status();
      if (!parseChip(spec.chip))
        return Status::error(ir.where + ": unknown chip \"" + spec.chip +
                             "\"");
    }
    if (spec.file.empty() || spec.file.find('/') != std::string::npos)
      return Status::error(ir.where + ": \"file\" must name a file in the "
                                      "bundle directory");
    if (!fileExists(dir + "/" + spec.file))
      return Status::error(ir.where + ": " + spec.file +
                           " is missing from the bundle");
    b.imageList.push_back(spec);
  }

  // Kernels.
  const json::Value *kernels = r.member(m, "kernels", json::Value::Kind::Array);
  if (!kernels)
    return r.status();
  for (size_t i = 0; i < kernels->array().size(); ++i) {
    const json::Value &k = kernels->array()[i];
    Reader kr{path + ": kernels[" + std::to_string(i) + "]"};
    KernelSpec spec;
    std::vector<int64_t> grid, block;
    int64_t smem = 0;
    if (!k.isObject() || !kr.str(k, "name", spec.name) ||
        !kr.ints(k, "grid", grid, 1) || !kr.ints(k, "block", block, 1) ||
        !kr.integer(k, "dynamic_shared_memory", smem, 0))
      return kr.status();
    kr.where += " (" + spec.name + ")";
    if (grid.size() != 3 || block.size() != 3)
      return Status::error(kr.where + ": grid and block need 3 dimensions");
    for (int d = 0; d < 3; ++d) {
      if (grid[d] > (d == 0 ? 2147483647 : 65535) || block[d] > 1024)
        return Status::error(kr.where + ": grid or block over the CUDA "
                                        "limits");
      spec.grid[d] = static_cast<uint32_t>(grid[d]);
      spec.block[d] = static_cast<uint32_t>(block[d]);
    }
    spec.dynamicSharedMemory = static_cast<uint32_t>(smem);
    if (const json::Value *optIn = k.get("shared_memory_opt_in"))
      spec.sharedMemoryOptIn = optIn->isBool() && optIn->boolean();
    if (const json::Value *kind = k.get("kind"); kind && kind->isString())
      spec.kind = kind->string();
    const json::Value *args = kr.member(k, "args", json::Value::Kind::Array);
    if (!args)
      return kr.status();
    for (size_t a = 0; a < args->array().size(); ++a) {
      const json::Value &arg = args->array()[a];
      Reader ar{kr.where + ": args[" + std::to_string(a) + "]"};
      KernelSpec::Arg s;
      std::string role;
      if (!arg.isObject() || !ar.tensor(arg, s.tensor) ||
          !ar.str(arg, "role", role) ||
          !ar.integer(arg, "alignment", s.alignment, 1))
        return ar.status();
      if (role != "input" && role != "output")
        return Status::error(ar.where + ": role must be input or output");
      s.output = role == "output";
      spec.args.push_back(s);
    }
    b.kernelList.push_back(std::move(spec));
  }

  // Functions.
  const json::Value *functions =
      r.member(m, "functions", json::Value::Kind::Array);
  if (!functions)
    return r.status();
  for (size_t i = 0; i < functions->array().size(); ++i) {
    const json::Value &f = functions->array()[i];
    Reader fr{path + ": functions[" + std::to_string(i) + "]"};
    FunctionSpec spec;
    if (!f.isObject() || !fr.str(f, "name", spec.name) ||
        !fr.ints(f, "inputs", spec.inputs) ||
        !fr.ints(f, "outputs", spec.outputs))
      return fr.status();
    fr.where += " (" + spec.name + ")";
    if (const json::Value *flops = f.get("flops"); flops && flops->isNumber())
      spec.flops = flops->number();
    const json::Value *buffers =
        fr.member(f, "buffers", json::Value::Kind::Array);
    if (!buffers)
      return fr.status();
    for (size_t j = 0; j < buffers->array().size(); ++j) {
      const json::Value &bv = buffers->array()[j];
      Reader br{fr.where + ": buffers[" + std::to_string(j) + "]"};
      FunctionSpec::Buffer buf;
      int64_t id = 0;
      std::string origin;
      if (!bv.isObject() || !br.tensor(bv, buf.tensor) ||
          !br.integer(bv, "id", id, 0) || !br.str(bv, "origin", origin))
        return br.status();
      if (id != static_cast<int64_t>(j))
        return Status::error(br.where + ": ids must count 0, 1, 2, ...");
      buf.fromKernel = origin == "kernel";
      spec.buffers.push_back(buf);
    }
    auto validId = [&](int64_t id) {
      return id >= 0 && id < static_cast<int64_t>(spec.buffers.size());
    };
    for (int64_t id : spec.inputs)
      if (!validId(id) || spec.buffers[id].fromKernel)
        return Status::error(fr.where + ": input " + std::to_string(id) +
                             " is not an input buffer");
    for (int64_t id : spec.outputs)
      if (!validId(id))
        return Status::error(fr.where + ": output " + std::to_string(id) +
                             " is not a buffer");
    const json::Value *launches =
        fr.member(f, "launches", json::Value::Kind::Array);
    if (!launches)
      return fr.status();
    for (size_t j = 0; j < launches->array().size(); ++j) {
      const json::Value &lv = launches->array()[j];
      Reader lr{fr.where + ": launches[" + std::to_string(j) + "]"};
      FunctionSpec::Launch launch;
      if (!lv.isObject() || !lr.str(lv, "kernel", launch.kernel) ||
          !lr.ints(lv, "args", launch.args))
        return lr.status();
      const KernelSpec *k = nullptr;
      for (const KernelSpec &ks : b.kernelList)
        if (ks.name == launch.kernel)
          k = &ks;
      if (!k)
        return Status::error(lr.where + ": no kernel named \"" +
                             launch.kernel + "\"");
      if (launch.args.size() != k->args.size())
        return Status::error(lr.where + ": " + launch.kernel + " takes " +
                             std::to_string(k->args.size()) +
                             " arguments, the launch passes " +
                             std::to_string(launch.args.size()));
      for (size_t a = 0; a < launch.args.size(); ++a) {
        int64_t id = launch.args[a];
        if (!validId(id))
          return Status::error(lr.where + ": argument " + std::to_string(a) +
                               " is not a buffer");
        const TensorSpec &have = spec.buffers[id].tensor;
        const TensorSpec &want = k->args[a].tensor;
        if (have.dtype != want.dtype || have.shape != want.shape)
          return Status::error(lr.where + ": argument " + std::to_string(a) +
                               " of " + launch.kernel + " is " + want.text() +
                               ", the launch passes buffer " +
                               std::to_string(id) + " of " + have.text());
      }
      spec.launches.push_back(std::move(launch));
    }
    if (const json::Value *ref = f.get("reference")) {
      Reader rr{fr.where + ": reference"};
      auto files = [&](const char *key, std::vector<std::string> &out) {
        const json::Value *v = rr.member(*ref, key, json::Value::Kind::Array);
        if (!v)
          return false;
        for (const json::Value &x : v->array()) {
          if (!x.isString() || !fileExists(dir + "/" + x.string()))
            return rr.fail(std::string("\"") + key +
                           "\" names a file missing from the bundle");
          out.push_back(x.string());
        }
        return true;
      };
      int64_t seed = 0;
      const json::Value *tols = ref->isObject()
                                    ? rr.member(*ref, "tolerances",
                                                json::Value::Kind::Array)
                                    : nullptr;
      if (!ref->isObject() || !rr.integer(*ref, "seed", seed, 0) ||
          !files("inputs", spec.referenceInputs) ||
          !files("outputs", spec.referenceOutputs) || !tols)
        return rr.status();
      for (const json::Value &t : tols->array())
        spec.tolerances.push_back(t.isNumber() ? t.number() : 0.0);
      if (spec.referenceInputs.size() != spec.inputs.size() ||
          spec.referenceOutputs.size() != spec.outputs.size() ||
          spec.tolerances.size() != spec.outputs.size())
        return Status::error(rr.where + ": one file per input and one file "
                                        "and tolerance per output needed");
      spec.hasReference = true;
      spec.referenceSeed = static_cast<uint64_t>(seed);
    }
    b.functionList.push_back(std::move(spec));
  }
  return b;
}

const KernelSpec *Bundle::kernel(const std::string &name) const {
  for (const KernelSpec &k : kernelList)
    if (k.name == name)
      return &k;
  return nullptr;
}

const FunctionSpec *Bundle::function(const std::string &name) const {
  for (const FunctionSpec &f : functionList)
    if (f.name == name)
      return &f;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

StatusOr<std::unique_ptr<BundleRunner>> BundleRunner::load(const Bundle &b,
                                                           Device &device) {
  std::unique_ptr<BundleRunner> r(new BundleRunner());
  r->bundle = &b;
  r->device = &device;
  const ImageSpec *image = nullptr;
  if (device.backend() == "emulator") {
    for (const ImageSpec &im : b.images())
      if (im.format == ModuleFormat::EmulatorIR)
        image = &im;
    if (!image)
      return Status::error(b.directory() +
                           " has no emulator image (bundles written by a "
                           "full build of fused-compile carry one)");
    r->choice = "emulator image";
  } else {
    std::vector<ImageInfo> infos;
    std::vector<const ImageSpec *> specs;
    for (const ImageSpec &im : b.images())
      if (im.format != ModuleFormat::EmulatorIR) {
        infos.push_back({im.format, im.chip});
        specs.push_back(&im);
      }
    std::optional<Chip> chip = parseChip(device.chip());
    if (!chip)
      return Status::error("the device " + device.name() +
                           " reports no known chip ('" + device.chip() +
                           "')");
    StatusOr<ImageChoice> c = selectImage(infos, *chip, device.name());
    if (!c)
      return Status::error(b.directory() + ": " + c.getStatus().getMessage());
    image = specs[c->index];
    r->choice = c->reason;
  }
  StatusOr<std::string> data = readFile(b.directory() + "/" + image->file);
  if (!data)
    return data.getStatus();
  StatusOr<std::unique_ptr<Module>> m = device.loadModule(*data, image->format);
  if (!m)
    return m.getStatus();
  r->module = std::move(*m);
  return r;
}

StatusOr<std::vector<HostTensor>>
BundleRunner::run(const std::string &name,
                  const std::vector<HostTensor> &inputs,
                  const LaunchHook &afterLaunch) {
  const FunctionSpec *f = bundle->function(name);
  if (!f)
    return Status::error("the bundle has no function named '" + name + "'");
  if (inputs.size() != f->inputs.size())
    return Status::error("@" + name + " takes " +
                         std::to_string(f->inputs.size()) + " inputs, got " +
                         std::to_string(inputs.size()));
  std::vector<std::unique_ptr<Buffer>> buffers(f->buffers.size());
  auto allocate = [&](int64_t id, const std::vector<double> &values)
      -> Status {
    const TensorSpec &t = f->buffers[id].tensor;
    std::vector<uint8_t> bytes = encodeValues(values, t.dtype);
    auto buf = device->allocate(bytes.size());
    if (!buf)
      return buf.getStatus();
    if (Status s = device->copyToDevice(**buf, bytes.data(), bytes.size()); !s)
      return s;
    buffers[id] = std::move(*buf);
    return Status::ok();
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    int64_t id = f->inputs[i];
    const TensorSpec &t = f->buffers[id].tensor;
    if (inputs[i].shape != t.shape ||
        static_cast<int64_t>(inputs[i].data.size()) != t.elements()) {
      TensorSpec got{t.dtype, inputs[i].shape};
      return Status::error("input " + std::to_string(i) + " of @" + name +
                           " must be " + t.text() + ", got shape " +
                           got.text().substr(t.dtype.size()));
    }
    if (Status s = allocate(id, inputs[i].data); !s)
      return s;
  }
  for (const FunctionSpec::Launch &l : f->launches) {
    const KernelSpec &k = *bundle->kernel(l.kernel);
    std::vector<KernelArg> args;
    for (size_t a = 0; a < l.args.size(); ++a) {
      int64_t id = l.args[a];
      const TensorSpec &t = f->buffers[id].tensor;
      if (!buffers[id]) {
        if (!k.args[a].output)
          return Status::error("@" + name + ": " + l.kernel + " reads buffer " +
                               std::to_string(id) + " before anything "
                               "wrote it");
        if (Status s = allocate(id, std::vector<double>(
                                        t.elements(),
                                        std::numeric_limits<double>::quiet_NaN()));
            !s)
          return s;
      }
      // The contract: the base address has the alignment the kernel
      // assumes (device allocations are 256-byte aligned).
      if (buffers[id]->address() % static_cast<uint64_t>(k.args[a].alignment))
        return Status::error("@" + name + ": argument " + std::to_string(a) +
                             " of " + l.kernel + " must be " +
                             std::to_string(k.args[a].alignment) +
                             "-byte aligned");
      std::vector<KernelArg> m = memrefArgs(*buffers[id], t.shape);
      args.insert(args.end(), m.begin(), m.end());
    }
    LaunchConfig config;
    config.grid = k.grid;
    config.block = k.block;
    config.dynamicSharedMemory = k.dynamicSharedMemory;
    Status launched = device->launch(*module, k.name, config, args);
    if (!launched)
      return launched;
    if (afterLaunch)
      if (Status s = afterLaunch(k, *module, config, args); !s)
        return s;
  }
  std::vector<HostTensor> outputs;
  for (int64_t id : f->outputs) {
    if (!buffers[id])
      return Status::error("@" + name + " returns buffer " +
                           std::to_string(id) + ", which no launch writes");
    const TensorSpec &t = f->buffers[id].tensor;
    std::vector<uint8_t> bytes(buffers[id]->size());
    if (Status s = device->copyToHost(bytes.data(), *buffers[id], bytes.size());
        !s)
      return s;
    outputs.push_back({t.shape, decodeValues(bytes, t.dtype)});
  }
  return outputs;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

StatusOr<HostTensor> readNpy(const std::string &path) {
  StatusOr<std::string> data = readFile(path);
  if (!data)
    return data.getStatus();
  const std::string &d = *data;
  if (d.size() < 10 || d.compare(0, 6, "\x93NUMPY") != 0)
    return Status::error(path + " is not a .npy file");
  int major = static_cast<uint8_t>(d[6]);
  size_t headerLen, start;
  if (major == 1) {
    headerLen = static_cast<uint8_t>(d[8]) | (static_cast<uint8_t>(d[9]) << 8);
    start = 10;
  } else if (d.size() >= 12) {
    headerLen = static_cast<uint8_t>(d[8]) |
                (static_cast<uint8_t>(d[9]) << 8) |
                (static_cast<size_t>(static_cast<uint8_t>(d[10])) << 16) |
                (static_cast<size_t>(static_cast<uint8_t>(d[11])) << 24);
    start = 12;
  } else {
    return Status::error(path + " is not a .npy file");
  }
  if (start + headerLen > d.size())
    return Status::error(path + ": truncated header");
  std::string header = d.substr(start, headerLen);
  auto field = [&](const std::string &key) -> std::string {
    size_t k = header.find("'" + key + "'");
    if (k == std::string::npos)
      return "";
    size_t colon = header.find(':', k);
    return colon == std::string::npos ? "" : header.substr(colon + 1);
  };
  std::string descr = field("descr");
  std::string dtype = descr.find("<f2") != std::string::npos   ? "f16"
                      : descr.find("<f4") != std::string::npos ? "f32"
                      : descr.find("<f8") != std::string::npos ? "f64"
                                                               : "";
  if (dtype.empty())
    return Status::error(path + ": only little-endian float16, float32 and "
                                "float64 arrays are read");
  std::string order = field("fortran_order");
  order.erase(0, order.find_first_not_of(' '));
  if (order.rfind("False", 0) != 0)
    return Status::error(path + ": Fortran-order arrays are not read");
  std::string shapeText = field("shape");
  size_t open = shapeText.find('('), close = shapeText.find(')');
  if (open == std::string::npos || close == std::string::npos)
    return Status::error(path + ": no shape in the header");
  HostTensor t;
  std::stringstream ss(shapeText.substr(open + 1, close - open - 1));
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.find_first_not_of(" ") == std::string::npos)
      continue;
    t.shape.push_back(std::stoll(item));
  }
  int64_t n = 1;
  for (int64_t s : t.shape)
    n *= s;
  size_t bytes = static_cast<size_t>(n) * dtypeBytes(dtype);
  size_t body = start + headerLen;
  if (d.size() - body != bytes)
    return Status::error(path + ": holds " + std::to_string(d.size() - body) +
                         " bytes of data, the header says " +
                         std::to_string(bytes));
  t.data = decodeValues(
      std::vector<uint8_t>(d.begin() + body, d.end()), dtype);
  return t;
}

Status writeNpy(const std::string &path, const HostTensor &t,
                const std::string &dtype) {
  const char *descr = dtype == "f16"   ? "<f2"
                      : dtype == "f32" ? "<f4"
                      : dtype == "f64" ? "<f8"
                                       : nullptr;
  if (!descr)
    return Status::error("cannot write " + path + ": .npy files hold f16, "
                         "f32 or f64 here, not " + dtype);
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i)
    shape += std::to_string(t.shape[i]) + (t.shape.size() == 1 ? "," : i + 1 < t.shape.size() ? ", " : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic (6) + version (2) + length (2) + header + '\n', a multiple of 64.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out)
    return Status::error("cannot write " + path);
  out.write("\x93NUMPY\x01\x00", 8);
  uint16_t len = static_cast<uint16_t>(header.size());
  char l[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(l, 2);
  out << header;
  std::vector<uint8_t> bytes = encodeValues(t.data, dtype);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out)
    return Status::error("cannot write " + path);
  return Status::ok();
}

} // namespace fused::rt
