//===- Bundle.cpp - loading and running kernel bundles --------------------===//

#include "fused/Runtime/Bundle.h"

#include "fused/Runtime/Float16.h"
#include "fused/Runtime/Images.h"
#include "fused/Runtime/Json.h"

#include <algorithm>
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
      if (s.alignment & (s.alignment - 1))
        return Status::error(ar.where + ": alignment must be a power of 2");
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
    if (const json::Value *bytes = f.get("bytes"); bytes && bytes->isNumber())
      spec.bytes = bytes->number();
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
      if (origin != "input" && origin != "kernel" && origin != "view")
        return Status::error(br.where + ": origin must be \"input\", "
                             "\"kernel\" or \"view\", got \"" + origin +
                             "\"");
      buf.fromKernel = origin == "kernel";
      if (origin == "view") {
        int64_t of = 0, offset = 0;
        if (!br.integer(bv, "of", of, 0) || !br.integer(bv, "offset", offset, 0))
          return br.status();
        if (of >= id || spec.buffers[of].viewOf >= 0)
          return Status::error(br.where + ": a view is of an earlier buffer "
                               "that is not a view");
        const TensorSpec &base = spec.buffers[of].tensor;
        uint64_t baseBytes = base.elements() * dtypeBytes(base.dtype);
        uint64_t bytes = buf.tensor.elements() * dtypeBytes(buf.tensor.dtype);
        if (static_cast<uint64_t>(offset) + bytes > baseBytes)
          return Status::error(br.where + ": a view of " +
                               std::to_string(bytes) + " bytes at offset " +
                               std::to_string(offset) + " runs past buffer " +
                               std::to_string(of) + " (" +
                               std::to_string(baseBytes) + " bytes)");
        buf.viewOf = of;
        buf.viewOffset = static_cast<uint64_t>(offset);
      }
      spec.buffers.push_back(buf);
    }
    auto validId = [&](int64_t id) {
      return id >= 0 && id < static_cast<int64_t>(spec.buffers.size());
    };
    for (int64_t id : spec.inputs)
      if (!validId(id) || spec.buffers[id].fromKernel ||
          spec.buffers[id].viewOf >= 0)
        return Status::error(fr.where + ": input " + std::to_string(id) +
                             " is not an input buffer");
    for (int64_t id : spec.outputs) {
      if (!validId(id))
        return Status::error(fr.where + ": output " + std::to_string(id) +
                             " is not a buffer");
      // The caller's memory holds an output: a view returned must be all
      // of a kernel buffer.
      const FunctionSpec::Buffer &o = spec.buffers[id];
      if (o.viewOf >= 0 &&
          (!spec.buffers[o.viewOf].fromKernel || o.viewOffset != 0 ||
           o.tensor.elements() * dtypeBytes(o.tensor.dtype) !=
               spec.buffers[o.viewOf].tensor.elements() *
                   dtypeBytes(spec.buffers[o.viewOf].tensor.dtype)))
        return Status::error(fr.where + ": output " + std::to_string(id) +
                             " is a view of part of a buffer or of an input");
    }
    const json::Value *launches =
        fr.member(f, "launches", json::Value::Kind::Array);
    if (!launches)
      return fr.status();
    // What holds a value so far: the inputs, then what each launch writes.
    std::vector<bool> written(spec.buffers.size(), false);
    for (int64_t id : spec.inputs)
      written[id] = true;
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
        if (k->args[a].output && spec.buffers[id].viewOf >= 0)
          return Status::error(lr.where + ": " + launch.kernel +
                               " writes buffer " + std::to_string(id) +
                               ", a view");
        if (!k->args[a].output && !written[spec.storageOf(id)])
          return Status::error(lr.where + ": " + launch.kernel +
                               " reads buffer " + std::to_string(id) +
                               " before anything writes it");
        if (spec.buffers[id].viewOffset %
            static_cast<uint64_t>(k->args[a].alignment))
          return Status::error(lr.where + ": argument " + std::to_string(a) +
                               " of " + launch.kernel + " must be " +
                               std::to_string(k->args[a].alignment) +
                               "-byte aligned, but view " + std::to_string(id) +
                               " starts " +
                               std::to_string(spec.buffers[id].viewOffset) +
                               " bytes into its buffer");
        int64_t &align = spec.buffers[spec.storageOf(id)].alignment;
        align = std::max(align, k->args[a].alignment);
      }
      for (size_t a = 0; a < launch.args.size(); ++a)
        if (k->args[a].output)
          written[launch.args[a]] = true;
      spec.launches.push_back(std::move(launch));
    }
    // A view needs what its memory needs: an output that is a view (all of
    // a kernel buffer) is that buffer in the caller's memory.
    for (FunctionSpec::Buffer &buf : spec.buffers)
      if (buf.viewOf >= 0)
        buf.alignment = spec.buffers[buf.viewOf].alignment;
    for (int64_t id : spec.outputs)
      if (!written[spec.storageOf(id)])
        return Status::error(fr.where + ": output " + std::to_string(id) +
                             " is a buffer that no launch writes");
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
                           " has no emulator image (a full build of "
                           "fused-compile writes one unless given "
                           "--bundle-emulator-image=false)");
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

const FunctionSpec *BundleRunner::function(const std::string &name,
                                           Status &status) const {
  const FunctionSpec *f = bundle->function(name);
  if (!f)
    status = Status::error("the bundle has no function named '" + name + "'");
  return f;
}

namespace {

/// A function's buffers that are neither inputs nor outputs: the kernels'
/// intermediates, which live in the workspace.
bool isIntermediate(const FunctionSpec &f, int64_t id) {
  if (f.buffers[id].viewOf >= 0)
    return false;
  for (int64_t o : f.outputs)
    if (f.storageOf(o) == id)
      return false;
  return std::find(f.inputs.begin(), f.inputs.end(), id) == f.inputs.end();
}

constexpr uint64_t kWorkspaceAlignment = 256;

uint64_t roundUp(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }

std::string hexAddress(uint64_t a) {
  std::ostringstream os;
  os << "0x" << std::hex << a;
  return os.str();
}

} // namespace

StatusOr<size_t> BundleRunner::workspaceBytes(const std::string &name) const {
  Status status = Status::ok();
  const FunctionSpec *f = function(name, status);
  if (!f)
    return status;
  uint64_t bytes = 0;
  for (size_t id = 0; id < f->buffers.size(); ++id)
    if (isIntermediate(*f, id))
      bytes += roundUp(f->buffers[id].tensor.elements() *
                           dtypeBytes(f->buffers[id].tensor.dtype),
                       kWorkspaceAlignment);
  return static_cast<size_t>(bytes);
}

Status BundleRunner::launchAll(const FunctionSpec &f,
                               const std::vector<const Buffer *> &buffers,
                               Stream *stream, const LaunchHook &afterLaunch) {
  for (const FunctionSpec::Launch &l : f.launches) {
    const KernelSpec &k = *bundle->kernel(l.kernel);
    std::vector<KernelArg> args;
    for (size_t a = 0; a < l.args.size(); ++a) {
      const FunctionSpec::Buffer &spec = f.buffers[l.args[a]];
      const Buffer &b = *buffers[f.storageOf(l.args[a])];
      // The contract: the base address has the alignment the kernel
      // assumes.
      if ((b.address() + spec.viewOffset) %
          static_cast<uint64_t>(k.args[a].alignment))
        return Status::error("@" + f.name + ": argument " + std::to_string(a) +
                             " of " + l.kernel + " must be " +
                             std::to_string(k.args[a].alignment) +
                             "-byte aligned");
      std::vector<KernelArg> m =
          memrefArgs(b, spec.tensor.shape, spec.viewOffset);
      args.insert(args.end(), m.begin(), m.end());
    }
    LaunchConfig config;
    config.grid = k.grid;
    config.block = k.block;
    config.dynamicSharedMemory = k.dynamicSharedMemory;
    if (Status s = device->launch(*module, k.name, config, args, stream); !s)
      return s;
    if (afterLaunch)
      if (Status s = afterLaunch(k, *module, config, args); !s)
        return s;
  }
  return Status::ok();
}

StatusOr<std::vector<HostTensor>>
BundleRunner::run(const std::string &name,
                  const std::vector<HostTensor> &inputs,
                  const LaunchHook &afterLaunch) {
  Status status = Status::ok();
  const FunctionSpec *f = function(name, status);
  if (!f)
    return status;
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
  // Outputs and intermediates start as NaN, so that what no kernel writes
  // shows.
  std::vector<const Buffer *> views;
  for (size_t id = 0; id < buffers.size(); ++id) {
    if (!buffers[id] && f->buffers[id].viewOf < 0)
      if (Status s = allocate(id, std::vector<double>(
                                      f->buffers[id].tensor.elements(),
                                      std::numeric_limits<double>::quiet_NaN()));
          !s)
        return s;
    views.push_back(buffers[id].get());
  }
  if (Status s = launchAll(*f, views, nullptr, afterLaunch); !s)
    return s;
  std::vector<HostTensor> outputs;
  for (int64_t id : f->outputs) {
    const TensorSpec &t = f->buffers[id].tensor;
    const Buffer &storage = *buffers[f->storageOf(id)];
    std::vector<uint8_t> bytes(storage.size());
    if (Status s = device->copyToHost(bytes.data(), storage, bytes.size()); !s)
      return s;
    bytes.erase(bytes.begin(), bytes.begin() + f->buffers[id].viewOffset);
    bytes.resize(t.elements() * dtypeBytes(t.dtype));
    outputs.push_back({t.shape, decodeValues(bytes, t.dtype)});
  }
  return outputs;
}

Status BundleRunner::launch(const std::string &name,
                            const std::vector<uint64_t> &inputs,
                            const std::vector<uint64_t> &outputs,
                            uint64_t workspace, size_t workspaceSize,
                            Stream *stream) {
  Status status = Status::ok();
  const FunctionSpec *f = function(name, status);
  if (!f)
    return status;
  if (inputs.size() != f->inputs.size() || outputs.size() != f->outputs.size())
    return Status::error("@" + name + " takes " +
                         std::to_string(f->inputs.size()) +
                         " inputs and returns " +
                         std::to_string(f->outputs.size()) + " outputs; got " +
                         std::to_string(inputs.size()) + " and " +
                         std::to_string(outputs.size()));
  StatusOr<size_t> need = workspaceBytes(name);
  if (!need)
    return need.getStatus();
  if (*need > 0 && (workspace == 0 || workspaceSize < *need))
    return Status::error("@" + name + " needs a workspace of " +
                         std::to_string(*need) + " bytes, got " +
                         (workspace ? std::to_string(workspaceSize) + " bytes"
                                    : std::string("none")));
  if (*need > 0 && workspace % kWorkspaceAlignment)
    return Status::error("the workspace of @" + name + " must be " +
                         std::to_string(kWorkspaceAlignment) +
                         "-byte aligned, got " + hexAddress(workspace));

  // Where each buffer is, and the byte ranges that must not overlap.
  struct Range {
    uint64_t begin, end;
    std::string what;
    bool writes;
  };
  std::vector<uint64_t> address(f->buffers.size(), 0);
  std::vector<Range> ranges;
  auto bytesOf = [&](int64_t id) {
    const TensorSpec &t = f->buffers[id].tensor;
    return static_cast<uint64_t>(t.elements()) * dtypeBytes(t.dtype);
  };
  auto place = [&](int64_t id, uint64_t at, const std::string &what,
                   bool writes) -> Status {
    const TensorSpec &t = f->buffers[id].tensor;
    if (at == 0)
      return Status::error(what + " of @" + name + " (" + t.text() +
                           ") is a null pointer");
    if (at % static_cast<uint64_t>(f->buffers[id].alignment))
      return Status::error(what + " of @" + name + " (" + t.text() +
                           ") must be " +
                           std::to_string(f->buffers[id].alignment) +
                           "-byte aligned, got " + hexAddress(at));
    if (address[id] != 0 && address[id] != at)
      return Status::error(what + " of @" + name + " is the function's "
                           "buffer " + std::to_string(id) + " twice, at two "
                           "addresses");
    address[id] = at;
    ranges.push_back({at, at + bytesOf(id), what, writes});
    return Status::ok();
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    if (Status s = place(f->inputs[i], inputs[i],
                         "input " + std::to_string(i), false);
        !s)
      return s;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (std::find(f->inputs.begin(), f->inputs.end(), f->outputs[i]) !=
        f->inputs.end())
      return Status::error("@" + name + " returns its input unchanged as "
                           "output " + std::to_string(i) + "; copy it, or "
                           "call the function with host values");
    // A reshaped kernel result is returned in its kernel's buffer.
    if (Status s = place(f->storageOf(f->outputs[i]), outputs[i],
                         "output " + std::to_string(i), true);
        !s)
      return s;
  }
  uint64_t offset = workspace;
  for (size_t id = 0; id < f->buffers.size(); ++id)
    if (isIntermediate(*f, id)) {
      address[id] = offset;
      offset += roundUp(bytesOf(id), kWorkspaceAlignment);
    }
  if (*need > 0)
    ranges.push_back({workspace, workspace + *need, "the workspace", true});
  // What a kernel writes must not overlap anything else: reads of inputs
  // may share memory, writes may not.
  for (size_t i = 0; i < ranges.size(); ++i)
    for (size_t j = i + 1; j < ranges.size(); ++j) {
      const Range &a = ranges[i], &b = ranges[j];
      if ((a.writes || b.writes) && a.begin < b.end && b.begin < a.end)
        return Status::error(a.what + " and " + b.what + " of @" + name +
                             " overlap (" + hexAddress(a.begin) + " and " +
                             hexAddress(b.begin) + ")");
    }

  // The same memory as Buffers of the device (inputs given twice share
  // one).
  std::vector<std::unique_ptr<Buffer>> owned;
  std::map<uint64_t, const Buffer *> byAddress;
  std::vector<const Buffer *> views(f->buffers.size(), nullptr);
  for (size_t id = 0; id < f->buffers.size(); ++id) {
    if (f->buffers[id].viewOf >= 0)
      continue; // launchAll finds a view's memory through its base
    auto it = byAddress.find(address[id]);
    if (it != byAddress.end() && it->second->size() == bytesOf(id)) {
      views[id] = it->second;
      continue;
    }
    StatusOr<std::unique_ptr<Buffer>> b =
        device->wrapMemory(address[id], bytesOf(id));
    if (!b)
      return Status::error("@" + name + ": " + b.getStatus().getMessage());
    views[id] = b->get();
    byAddress[address[id]] = views[id];
    owned.push_back(std::move(*b));
  }
  return launchAll(*f, views, stream, {});
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
