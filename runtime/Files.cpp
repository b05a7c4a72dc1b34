//===- Files.cpp - output files that are whole or absent ------------------===//

#include "fused/Runtime/Files.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fused::rt {

namespace {

Status systemError(const std::string &what, const std::string &path,
                   int error) {
  return Status::error("cannot " + what + " " + path + ": " +
                       std::strerror(error));
}

/// Writes all of `data` to `fd`; the errno of a failure, else 0.
int writeAll(int fd, const std::string &data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? errno : EIO;
    done += static_cast<size_t>(n);
  }
  return 0;
}

/// The process's file-mode creation mask, read without changing it
/// (umask() sets it, and another thread could create a file in between):
/// from /proc/self/status, else the usual 022.
mode_t currentUmask() {
  FILE *f = std::fopen("/proc/self/status", "r");
  mode_t mask = 022;
  if (!f)
    return mask;
  char line[256];
  while (std::fgets(line, sizeof(line), f))
    if (std::strncmp(line, "Umask:", 6) == 0) {
      mask = static_cast<mode_t>(std::strtoul(line + 6, nullptr, 8));
      break;
    }
  std::fclose(f);
  return mask;
}

/// `path` + ".tmp.XXXXXX", writable by mkstemp/mkdtemp.
std::vector<char> tempTemplate(const std::string &path) {
  std::string t = path;
  while (t.size() > 1 && t.back() == '/')
    t.pop_back();
  t += ".tmp.XXXXXX";
  return std::vector<char>(t.begin(), t.end() + 1);
}

/// Removes `path` and, for a directory, everything in it (no error when it
/// does not exist).
Status removeAll(const std::string &path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    return errno == ENOENT ? Status::ok() : systemError("remove", path, errno);
  if (!S_ISDIR(st.st_mode))
    return ::unlink(path.c_str()) == 0 ? Status::ok()
                                       : systemError("remove", path, errno);
  auto remove = [](const char *p, const struct stat *, int, struct FTW *) {
    return ::remove(p);
  };
  if (::nftw(path.c_str(), remove, 16, FTW_DEPTH | FTW_PHYS) != 0)
    return systemError("remove", path, errno);
  return Status::ok();
}

} // namespace

Status writeFileAtomically(const std::string &path, const std::string &data) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode))
      return Status::error("cannot write " + path + ": it is a directory");
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return systemError("write", path, errno);
    int error = writeAll(fd, data);
    if (::close(fd) != 0 && !error)
      error = errno;
    return error ? systemError("write", path, error) : Status::ok();
  }
  std::vector<char> tmp = tempTemplate(path);
  int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return systemError("write", path, errno);
  // mkstemp makes the file 0600; give it what a new file gets.
  ::fchmod(fd, 0666 & ~currentUmask());
  int error = writeAll(fd, data);
  if (::close(fd) != 0 && !error)
    error = errno;
  if (!error && ::rename(tmp.data(), path.c_str()) != 0)
    error = errno;
  if (error) {
    ::unlink(tmp.data());
    return systemError("write", path, error);
  }
  return Status::ok();
}

Status writeDirectoryAtomically(
    const std::string &dir,
    const std::function<Status(const std::string &tmpDir)> &fill) {
  struct stat st;
  bool exists = ::stat(dir.c_str(), &st) == 0;
  if (exists && !S_ISDIR(st.st_mode))
    return Status::error("cannot write " + dir +
                         ": it exists and is not a directory");
  std::vector<char> tmp = tempTemplate(dir);
  if (!::mkdtemp(tmp.data()))
    return systemError("create", dir, errno);
  std::string fresh = tmp.data();
  // mkdtemp makes the directory 0700; give it what a new one gets.
  ::chmod(fresh.c_str(), 0777 & ~currentUmask());
  // On any failure the new directory goes and `dir` is as it was.
  auto abandon = [&](const char *what, int error) {
    removeAll(fresh);
    return systemError(what, dir, error);
  };
  if (Status s = fill(fresh); !s) {
    removeAll(fresh);
    return s;
  }
  if (!exists)
    return ::rename(fresh.c_str(), dir.c_str()) == 0
               ? Status::ok()
               : abandon("create", errno);
  // Swap: the old directory moves aside (over an empty one of a fresh
  // name), the new one takes its name, the old one goes.
  std::vector<char> aside = tempTemplate(dir + ".old");
  if (!::mkdtemp(aside.data()))
    return abandon("replace", errno);
  if (::rename(dir.c_str(), aside.data()) != 0) {
    int error = errno;
    ::rmdir(aside.data());
    return abandon("replace", error);
  }
  if (::rename(fresh.c_str(), dir.c_str()) != 0) {
    int error = errno;
    ::rename(aside.data(), dir.c_str());
    return abandon("replace", error);
  }
  return removeAll(aside.data());
}

} // namespace fused::rt
