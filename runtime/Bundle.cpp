//===- Bundle.cpp - loading and running kernel bundles --------------------===//

#include "fused/Runtime/Bundle.h"
#include "fused/Runtime/Files.h"

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

bool TensorSpec::isDynamic() const {
  return std::any_of(shape.begin(), shape.end(),
                     [](int64_t d) { return d < 0; });
}

std::string TensorSpec::text() const {
  std::string s = dtype + "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + (i < sizes.size() && sizes[i] ? sizes[i]->text()
                            : shape[i] < 0           ? std::string("?")
                                                     : std::to_string(shape[i]));
  return s + "]";
}

StatusOr<std::array<uint32_t, 3>> KernelSpec::gridFor(
    const std::vector<std::vector<int64_t>> &argShapes) const {
  return gridForShapes(name, grid, gridSizes, argShapes);
}

StatusOr<std::array<uint32_t, 3>>
gridForShapes(const std::string &name, const std::array<uint32_t, 3> &grid,
              const std::array<std::string, 3> &gridSizes,
              const std::vector<std::vector<int64_t>> &argShapes) {
  std::array<std::optional<ShapeExpr>, 3> parsed;
  for (int d = 0; d < 3; ++d) {
    if (gridSizes[d].empty())
      continue;
    StatusOr<ShapeExpr> e = ShapeExpr::parse(gridSizes[d]);
    if (!e)
      return Status::error(name + ": " + e.getStatus().getMessage());
    parsed[d] = *e;
  }
  return gridForShapes(name, grid, parsed, argShapes);
}

StatusOr<std::array<uint32_t, 3>>
gridForShapes(const std::string &name, const std::array<uint32_t, 3> &grid,
              const std::array<std::optional<ShapeExpr>, 3> &gridSizes,
              const std::vector<std::vector<int64_t>> &argShapes) {
  std::array<uint32_t, 3> g = grid;
  ShapeExpr::Env env = [&](const std::string &n) -> std::optional<int64_t> {
    // aI.dJ: dimension J of argument I.
    size_t dot = n.find(".d");
    if (n.size() < 4 || n[0] != 'a' || dot == std::string::npos)
      return std::nullopt;
    char *end = nullptr;
    size_t i = std::strtoull(n.c_str() + 1, &end, 10);
    if (end != n.c_str() + dot)
      return std::nullopt;
    size_t d = std::strtoull(n.c_str() + dot + 2, &end, 10);
    if (*end || i >= argShapes.size() || d >= argShapes[i].size())
      return std::nullopt;
    return argShapes[i][d];
  };
  for (int d = 0; d < 3; ++d) {
    if (!gridSizes[d])
      continue;
    StatusOr<int64_t> v = gridSizes[d]->evaluate(env);
    if (!v)
      return Status::error(name + ": " + v.getStatus().getMessage());
    if (*v > (d == 0 ? 2147483647 : 65535))
      return Status::error(name + ": a grid " + std::string(1, "xyz"[d]) +
                           " dimension of " + std::to_string(*v) +
                           " blocks exceeds the CUDA limit of " +
                           (d == 0 ? "2^31 - 1" : "65535") +
                           " for these sizes");
    g[d] = static_cast<uint32_t>(*v);
  }
  return g;
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
  /// Parses a size expression into `out`; false when it is not one, with
  /// the parser's reason in `why`.
  static bool parseSize(const std::string &text,
                        std::optional<ShapeExpr> &out, std::string &why) {
    StatusOr<ShapeExpr> e = ShapeExpr::parse(text);
    if (e)
      out = *e;
    else
      why = e.getStatus().getMessage();
    return e.isOk();
  }
  /// `text` for a message: whole when short, else its start.
  static std::string quoted(const std::string &text) {
    return "\"" + (text.size() <= 60 ? text : text.substr(0, 40) + "...") +
           "\"";
  }
  /// A shape of integers and, for dynamic dimensions, size expressions
  /// (`kernelArg`: "?" only).
  bool shape(const json::Value &o, TensorSpec &t, bool kernelArg) {
    const json::Value *v = member(o, "shape", json::Value::Kind::Array);
    if (!v)
      return false;
    t.shape.clear();
    t.sizes.clear();
    for (const json::Value &x : v->array()) {
      int64_t n;
      if (x.isString()) {
        std::optional<ShapeExpr> size;
        std::string why;
        if (kernelArg ? x.string() != "?" : !parseSize(x.string(), size, why))
          return fail("\"shape\" holds " + quoted(x.string()) + ", which is " +
                      (kernelArg ? "not \"?\""
                                 : "not a size expression (" + why + ")"));
        t.sizes.resize(t.shape.size());
        t.sizes.push_back(size);
        t.shape.push_back(-1);
        continue;
      }
      if (!x.integer(n) || n < 0)
        return fail("\"shape\" must hold integers >= 0 or size expressions");
      t.shape.push_back(n);
      if (!t.sizes.empty())
        t.sizes.emplace_back();
    }
    return true;
  }
  bool tensor(const json::Value &o, TensorSpec &t, bool kernelArg = false) {
    if (!str(o, "dtype", t.dtype) || !shape(o, t, kernelArg))
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
  return fromManifest(dir, *text);
}

StatusOr<Bundle> Bundle::fromManifest(const std::string &dir,
                                      const std::string &text) {
  std::string path = dir + "/manifest.json";
  StatusOr<json::Value> root = json::parse(text);
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
  if (version != 2 && version != 3)
    return Status::error(path + ": manifest version " +
                         std::to_string(version) +
                         " is not supported (this runtime reads versions 2 "
                         "and 3; recompile the bundle)");
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
        !kr.ints(k, "block", block, 1) ||
        !kr.integer(k, "dynamic_shared_memory", smem, 0))
      return kr.status();
    kr.where += " (" + spec.name + ")";
    // The grid: integers, or size expressions where it follows from
    // dynamic dimensions.
    const json::Value *gv = kr.member(k, "grid", json::Value::Kind::Array);
    if (!gv)
      return kr.status();
    for (const json::Value &x : gv->array()) {
      int64_t n = 0;
      if (x.isString()) {
        std::optional<ShapeExpr> size;
        std::string why;
        if (!Reader::parseSize(x.string(), size, why))
          return Status::error(kr.where + ": grid size " +
                               Reader::quoted(x.string()) +
                               " is not a size expression (" + why + ")");
        if (grid.size() < 3)
          spec.gridSizes[grid.size()] = size;
        grid.push_back(0);
      } else if (x.integer(n) && n >= 0) {
        // 0: a static dimension of 0 leaves nothing to launch.
        grid.push_back(n);
      } else {
        return Status::error(kr.where + ": \"grid\" must hold integers >= 0 "
                                        "or size expressions");
      }
    }
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
      if (!arg.isObject() || !ar.tensor(arg, s.tensor, /*kernelArg=*/true) ||
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
    if (const json::Value *maps = k.get("tensor_maps")) {
      if (!maps->isArray())
        return Status::error(kr.where + ": \"tensor_maps\" must be an array");
      for (size_t t = 0; t < maps->array().size(); ++t) {
        const json::Value &mv = maps->array()[t];
        Reader mr{kr.where + ": tensor_maps[" + std::to_string(t) + "]"};
        KernelSpec::TensorMap map;
        if (!mv.isObject() || !mr.integer(mv, "arg", map.arg, 0) ||
            !mr.ints(mv, "box", map.box, 1) ||
            !mr.integer(mv, "swizzle", map.swizzle, 0))
          return mr.status();
        if (map.arg >= static_cast<int64_t>(spec.args.size()))
          return Status::error(mr.where + ": \"arg\" must name an argument "
                                          "of the kernel (it has " +
                               std::to_string(spec.args.size()) + ")");
        if (map.box.size() != spec.args[map.arg].tensor.shape.size())
          return Status::error(mr.where + ": the box has " +
                               std::to_string(map.box.size()) +
                               " dimensions, its argument " +
                               std::to_string(
                                   spec.args[map.arg].tensor.shape.size()));
        for (int64_t x : map.box)
          if (x > 256)
            return Status::error(mr.where + ": box sizes must be at most 256");
        if (map.swizzle != 0 && map.swizzle != 32 && map.swizzle != 64 &&
            map.swizzle != 128)
          return Status::error(mr.where + ": swizzle must be 0, 32, 64 or "
                                          "128");
        spec.tensorMaps.push_back(std::move(map));
      }
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
      spec.dynamic = spec.dynamic || buf.tensor.isDynamic();
      if (origin == "view") {
        int64_t of = 0, offset = 0;
        if (!br.integer(bv, "of", of, 0))
          return br.status();
        if (const json::Value *ov = bv.get("offset"); ov && ov->isString()) {
          std::string why;
          if (!Reader::parseSize(ov->string(), buf.viewOffsetSize, why))
            return Status::error(br.where + ": \"offset\" " +
                                 Reader::quoted(ov->string()) +
                                 " is not a size expression (" + why + ")");
        } else if (!br.integer(bv, "offset", offset, 0)) {
          return br.status();
        }
        if (of >= id || spec.buffers[of].viewOf >= 0)
          return Status::error(br.where + ": a view is of an earlier buffer "
                               "that is not a view");
        const TensorSpec &base = spec.buffers[of].tensor;
        bool dynamicView = base.isDynamic() || buf.tensor.isDynamic() ||
                           buf.viewOffsetSize.has_value();
        uint64_t baseBytes = base.elements() * dtypeBytes(base.dtype);
        uint64_t bytes = buf.tensor.elements() * dtypeBytes(buf.tensor.dtype);
        if (!dynamicView && static_cast<uint64_t>(offset) + bytes > baseBytes)
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
      if (o.viewOf >= 0 && !spec.dynamic &&
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
        // A dynamic dimension of the kernel takes any size; a static one
        // only its own.
        bool fits = have.dtype == want.dtype &&
                    have.shape.size() == want.shape.size();
        for (size_t d = 0; fits && d < want.shape.size(); ++d)
          fits = want.shape[d] < 0 || have.shape[d] == want.shape[d];
        if (!fits)
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

CallSizes FunctionSpec::staticSizes() const {
  CallSizes z;
  for (const Buffer &b : buffers) {
    z.shapes.push_back(b.tensor.shape);
    z.viewOffsets.push_back(b.viewOffset);
    z.bytes.push_back(static_cast<uint64_t>(b.tensor.elements()) *
                      dtypeBytes(b.tensor.dtype));
  }
  return z;
}

StatusOr<std::vector<std::vector<int64_t>>>
FunctionSpec::inputShapesFor(const std::vector<int64_t> &sizes) const {
  ShapeExpr::Env env = [&](const std::string &n) -> std::optional<int64_t> {
    if (n.size() < 2 || n[0] != 's')
      return std::nullopt;
    char *end = nullptr;
    size_t i = std::strtoull(n.c_str() + 1, &end, 10);
    if (*end || i >= sizes.size())
      return std::nullopt;
    return sizes[i];
  };
  std::vector<std::vector<int64_t>> shapes;
  for (int64_t id : inputs) {
    const TensorSpec &t = buffers[id].tensor;
    std::vector<int64_t> shape = t.shape;
    for (size_t d = 0; d < t.sizes.size(); ++d) {
      if (!t.sizes[d])
        continue;
      StatusOr<int64_t> v = t.sizes[d]->evaluate(env);
      if (!v)
        return Status::error("@" + name + ": " + v.getStatus().getMessage() +
                             " (give the sizes with --sizes=N,...)");
      shape[d] = *v;
    }
    shapes.push_back(shape);
  }
  return shapes;
}

StatusOr<CallSizes> FunctionSpec::sizesFor(
    const std::vector<std::vector<int64_t>> &inputShapes) const {
  std::string fn = "@" + name;
  if (inputShapes.size() != inputs.size())
    return Status::error(fn + " takes " + std::to_string(inputs.size()) +
                         " inputs, got " + std::to_string(inputShapes.size()));
  auto shapeText = [](const std::vector<int64_t> &shape) {
    std::string t = "[";
    for (size_t i = 0; i < shape.size(); ++i)
      t += (i ? ", " : "") + std::to_string(shape[i]);
    return t + "]";
  };
  // The size symbols: from the inputs' dimensions that are one.
  std::map<std::string, int64_t> symbols;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &t = buffers[inputs[i]].tensor;
    if (inputShapes[i].size() != t.shape.size())
      return Status::error("input " + std::to_string(i) + " of " + fn +
                           " must be " + t.text() + ", got shape " +
                           shapeText(inputShapes[i]));
    for (size_t d = 0; d < t.sizes.size(); ++d) {
      std::optional<std::string> symbol =
          t.sizes[d] ? t.sizes[d]->name() : std::nullopt;
      if (symbol && !symbols.count(*symbol) && inputShapes[i][d] >= 0)
        symbols[*symbol] = inputShapes[i][d];
    }
  }
  ShapeExpr::Env env = [&](const std::string &n) -> std::optional<int64_t> {
    auto it = symbols.find(n);
    if (it == symbols.end())
      return std::nullopt;
    return it->second;
  };
  CallSizes z;
  for (size_t id = 0; id < buffers.size(); ++id) {
    const Buffer &b = buffers[id];
    std::vector<int64_t> shape = b.tensor.shape;
    uint64_t bytes = dtypeBytes(b.tensor.dtype);
    for (size_t d = 0; d < shape.size(); ++d) {
      if (d < b.tensor.sizes.size() && b.tensor.sizes[d]) {
        StatusOr<int64_t> v = b.tensor.sizes[d]->evaluate(env);
        if (!v)
          return Status::error(fn + ": buffer " + std::to_string(id) + ": " +
                               v.getStatus().getMessage());
        shape[d] = *v;
      }
      if (shape[d] && bytes > std::numeric_limits<uint64_t>::max() / 2 /
                                  static_cast<uint64_t>(shape[d]))
        return Status::error(fn + ": buffer " + std::to_string(id) +
                             " would hold more bytes than 64 bits count");
      bytes *= static_cast<uint64_t>(shape[d]);
    }
    uint64_t offset = b.viewOffset;
    if (b.viewOffsetSize) {
      StatusOr<int64_t> v = b.viewOffsetSize->evaluate(env);
      if (!v)
        return Status::error(fn + ": view " + std::to_string(id) + ": " +
                             v.getStatus().getMessage());
      offset = static_cast<uint64_t>(*v);
    }
    z.shapes.push_back(shape);
    z.bytes.push_back(bytes);
    z.viewOffsets.push_back(offset);
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (z.shapes[inputs[i]] != inputShapes[i] &&
        !buffers[inputs[i]].tensor.isDynamic())
      return Status::error("input " + std::to_string(i) + " of " + fn +
                           " must be " + buffers[inputs[i]].tensor.text() +
                           ", got shape " + shapeText(inputShapes[i]));
    else if (z.shapes[inputs[i]] != inputShapes[i])
      return Status::error(
          "input " + std::to_string(i) + " of " + fn + " must be " +
          buffers[inputs[i]].tensor.text() + " = " +
          shapeText(z.shapes[inputs[i]]) + " for the sizes the inputs give, "
          "got shape " + shapeText(inputShapes[i]));
  for (size_t id = 0; id < buffers.size(); ++id) {
    int64_t of = buffers[id].viewOf;
    if (of >= 0 && z.viewOffsets[id] + z.bytes[id] > z.bytes[of])
      return Status::error(fn + ": view " + std::to_string(id) + " runs past "
                           "buffer " + std::to_string(of) + " for these sizes");
  }
  for (int64_t id : outputs) {
    int64_t of = buffers[id].viewOf;
    if (of >= 0 && (z.viewOffsets[id] != 0 || z.bytes[id] != z.bytes[of]))
      return Status::error(fn + ": output " + std::to_string(id) +
                           " is a view of part of a buffer for these sizes");
  }
  return z;
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
  if (Status s = checkImage(*data, image->format, image->chip,
                            b.directory() + "/" + image->file);
      !s)
    return s;
  StatusOr<std::unique_ptr<Module>> m = device.loadModule(*data, image->format);
  if (!m)
    return m.getStatus();
  // Every kernel the manifest describes must be in the image.
  for (const KernelSpec &k : b.kernels())
    if (!(*m)->hasKernel(k.name))
      return Status::error(b.directory() + "/" + image->file +
                           " has no kernel '" + k.name +
                           "' that the manifest describes: the manifest "
                           "does not match its image");
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

StatusOr<CallSizes> BundleRunner::callSizes(
    const FunctionSpec &f,
    const std::vector<std::vector<int64_t>> &inputShapes) const {
  if (!inputShapes.empty())
    return f.sizesFor(inputShapes);
  if (f.dynamic)
    return Status::error("@" + f.name + " has dynamic dimensions: give the "
                         "shapes of its inputs");
  return f.staticSizes();
}

StatusOr<size_t> BundleRunner::workspaceBytes(
    const std::string &name,
    const std::vector<std::vector<int64_t>> &inputShapes) const {
  Status status = Status::ok();
  const FunctionSpec *f = function(name, status);
  if (!f)
    return status;
  StatusOr<CallSizes> sizes = callSizes(*f, inputShapes);
  if (!sizes)
    return sizes.getStatus();
  uint64_t bytes = 0;
  for (size_t id = 0; id < f->buffers.size(); ++id)
    if (isIntermediate(*f, id))
      bytes += roundUp(sizes->bytes[id], kWorkspaceAlignment);
  return static_cast<size_t>(bytes);
}

Status BundleRunner::launchAll(const FunctionSpec &f, const CallSizes &sizes,
                               const std::vector<const Buffer *> &buffers,
                               Stream *stream, const LaunchHook &afterLaunch) {
  for (const FunctionSpec::Launch &l : f.launches) {
    const KernelSpec &k = *bundle->kernel(l.kernel);
    std::vector<KernelArg> args;
    std::vector<std::vector<int64_t>> argShapes;
    for (size_t a = 0; a < l.args.size(); ++a) {
      const Buffer &b = *buffers[f.storageOf(l.args[a])];
      uint64_t viewOffset = sizes.viewOffsets[l.args[a]];
      // The contract: the base address has the alignment the kernel
      // assumes.
      if ((b.address() + viewOffset) %
          static_cast<uint64_t>(k.args[a].alignment))
        return Status::error("@" + f.name + ": argument " + std::to_string(a) +
                             " of " + l.kernel + " must be " +
                             std::to_string(k.args[a].alignment) +
                             "-byte aligned");
      argShapes.push_back(sizes.shapes[l.args[a]]);
      std::vector<KernelArg> m = memrefArgs(b, argShapes.back(), viewOffset);
      args.insert(args.end(), m.begin(), m.end());
    }
    StatusOr<std::array<uint32_t, 3>> grid = k.gridFor(argShapes);
    if (!grid)
      return Status::error("@" + f.name + ": " + grid.getStatus().getMessage());
    // An empty grid (sizes or static dimensions of 0): its outputs are
    // empty tensors, nothing to launch.
    if ((*grid)[0] == 0 || (*grid)[1] == 0 || (*grid)[2] == 0)
      continue;
    // Tensor maps, by value after the arguments.
    for (const KernelSpec::TensorMap &t : k.tensorMaps) {
      const Buffer &b = *buffers[f.storageOf(l.args[t.arg])];
      TensorMapRequest r;
      r.address = b.address() + sizes.viewOffsets[l.args[t.arg]];
      r.dtype = k.args[t.arg].tensor.dtype;
      r.shape = argShapes[t.arg];
      r.box = t.box;
      r.swizzle = t.swizzle;
      StatusOr<KernelArg> map = device->encodeTensorMap(r);
      if (!map)
        return Status::error("@" + f.name + ": argument " +
                             std::to_string(t.arg) + " of " + l.kernel +
                             ": " + map.getStatus().getMessage());
      args.push_back(std::move(*map));
    }
    LaunchConfig config;
    config.grid = *grid;
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
  std::vector<std::vector<int64_t>> inputShapes;
  for (const HostTensor &t : inputs)
    inputShapes.push_back(t.shape);
  StatusOr<CallSizes> sizes = f->sizesFor(inputShapes);
  if (!sizes)
    return sizes.getStatus();
  auto elements = [&](int64_t id) {
    return static_cast<size_t>(sizes->bytes[id] /
                               dtypeBytes(f->buffers[id].tensor.dtype));
  };
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
    if (inputs[i].data.size() != elements(id))
      return Status::error("input " + std::to_string(i) + " of @" + name +
                           " holds " + std::to_string(inputs[i].data.size()) +
                           " values for " + std::to_string(elements(id)) +
                           " elements");
    if (Status s = allocate(id, inputs[i].data); !s)
      return s;
  }
  // Outputs and intermediates start as NaN, so that what no kernel writes
  // shows.
  std::vector<const Buffer *> views;
  for (size_t id = 0; id < buffers.size(); ++id) {
    if (!buffers[id] && f->buffers[id].viewOf < 0)
      if (Status s = allocate(id, std::vector<double>(
                                      elements(id),
                                      std::numeric_limits<double>::quiet_NaN()));
          !s)
        return s;
    views.push_back(buffers[id].get());
  }
  if (Status s = launchAll(*f, *sizes, views, nullptr, afterLaunch); !s)
    return s;
  std::vector<HostTensor> outputs;
  for (int64_t id : f->outputs) {
    const TensorSpec &t = f->buffers[id].tensor;
    const Buffer &storage = *buffers[f->storageOf(id)];
    std::vector<uint8_t> bytes(storage.size());
    if (Status s = device->copyToHost(bytes.data(), storage, bytes.size()); !s)
      return s;
    bytes.erase(bytes.begin(), bytes.begin() + sizes->viewOffsets[id]);
    bytes.resize(sizes->bytes[id]);
    outputs.push_back({sizes->shapes[id], decodeValues(bytes, t.dtype)});
  }
  return outputs;
}

Status BundleRunner::launch(const std::string &name,
                            const std::vector<uint64_t> &inputs,
                            const std::vector<uint64_t> &outputs,
                            uint64_t workspace, size_t workspaceSize,
                            Stream *stream,
                            const std::vector<std::vector<int64_t>> &inputShapes) {
  Status status = Status::ok();
  const FunctionSpec *f = function(name, status);
  if (!f)
    return status;
  StatusOr<CallSizes> sizes = callSizes(*f, inputShapes);
  if (!sizes)
    return sizes.getStatus();
  if (inputs.size() != f->inputs.size() || outputs.size() != f->outputs.size())
    return Status::error("@" + name + " takes " +
                         std::to_string(f->inputs.size()) +
                         " inputs and returns " +
                         std::to_string(f->outputs.size()) + " outputs; got " +
                         std::to_string(inputs.size()) + " and " +
                         std::to_string(outputs.size()));
  StatusOr<size_t> need = workspaceBytes(name, inputShapes);
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
  auto bytesOf = [&](int64_t id) { return sizes->bytes[id]; };
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
  return launchAll(*f, *sizes, views, stream, {});
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

StatusOr<HostTensor> readNpy(const std::string &path) {
  StatusOr<std::string> data = readFile(path);
  if (!data)
    return data.getStatus();
  return parseNpy(*data, path);
}

StatusOr<HostTensor> parseNpy(const std::string &d, const std::string &path) {
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
  // Each dimension a decimal count; a product larger than the file's data
  // can hold is refused before it could overflow.
  std::vector<uint64_t> dims;
  while (std::getline(ss, item, ',')) {
    size_t first = item.find_first_not_of(' ');
    if (first == std::string::npos)
      continue;
    size_t last = item.find_last_not_of(' ');
    std::string digits = item.substr(first, last - first + 1);
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      return Status::error(path + ": the shape's dimension '" + digits +
                           "' is not a count");
    dims.push_back(std::stoull(digits));
    t.shape.push_back(static_cast<int64_t>(dims.back()));
  }
  size_t body = start + headerLen;
  uint64_t most = (d.size() - body) / dtypeBytes(dtype);
  uint64_t n = 1;
  if (std::find(dims.begin(), dims.end(), 0) != dims.end())
    n = 0;
  else
    for (uint64_t dim : dims) {
      if (n > most / dim)
        return Status::error(path + ": the shape " +
                             shapeText.substr(open, close - open + 1) +
                             " is larger than the file's data");
      n *= dim;
    }
  size_t bytes = static_cast<size_t>(n) * dtypeBytes(dtype);
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
  std::string file("\x93NUMPY\x01\x00", 8);
  uint16_t len = static_cast<uint16_t>(header.size());
  file += static_cast<char>(len & 0xff);
  file += static_cast<char>(len >> 8);
  file += header;
  std::vector<uint8_t> bytes = encodeValues(t.data, dtype);
  file.append(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return writeFileAtomically(path, file);
}

} // namespace fused::rt
