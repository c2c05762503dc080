#include "wasi/context.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include "wasi/functions.h"

namespace wharf::wasi {

Errno fromHostErrno(int e) {
  switch (e) {
    case 0: return err::Success;
    case E2BIG: return err::TooBig;
    case EACCES: return err::Acces;
    case EADDRINUSE: return err::AddrInUse;
    case EADDRNOTAVAIL: return err::AddrNotAvail;
    case EAFNOSUPPORT: return err::AfNoSupport;
    case EAGAIN: return err::Again;
    case EALREADY: return err::Already;
    case EBADF: return err::BadF;
    case EBADMSG: return err::BadMsg;
    case EBUSY: return err::Busy;
    case ECANCELED: return err::Canceled;
    case ECHILD: return err::Child;
    case ECONNABORTED: return err::ConnAborted;
    case ECONNREFUSED: return err::ConnRefused;
    case ECONNRESET: return err::ConnReset;
    case EDEADLK: return err::DeadLk;
    case EDESTADDRREQ: return err::DestAddrReq;
    case EDOM: return err::Dom;
    case EDQUOT: return err::DQuot;
    case EEXIST: return err::Exist;
    case EFAULT: return err::Fault;
    case EFBIG: return err::FBig;
    case EHOSTUNREACH: return err::HostUnreach;
    case EIDRM: return err::IdRm;
    case EILSEQ: return err::IlSeq;
    case EINPROGRESS: return err::InProgress;
    case EINTR: return err::Intr;
    case EINVAL: return err::Inval;
    case EIO: return err::Io;
    case EISCONN: return err::IsConn;
    case EISDIR: return err::IsDir;
    case ELOOP: return err::Loop;
    case EMFILE: return err::MFile;
    case EMLINK: return err::MLink;
    case EMSGSIZE: return err::MsgSize;
    case EMULTIHOP: return err::Multihop;
    case ENAMETOOLONG: return err::NameTooLong;
    case ENETDOWN: return err::NetDown;
    case ENETRESET: return err::NetReset;
    case ENETUNREACH: return err::NetUnreach;
    case ENFILE: return err::NFile;
    case ENOBUFS: return err::NoBufs;
    case ENODEV: return err::NoDev;
    case ENOENT: return err::NoEnt;
    case ENOEXEC: return err::NoExec;
    case ENOLCK: return err::NoLck;
    case ENOLINK: return err::NoLink;
    case ENOMEM: return err::NoMem;
    case ENOMSG: return err::NoMsg;
    case ENOPROTOOPT: return err::NoProtoOpt;
    case ENOSPC: return err::NoSpc;
    case ENOSYS: return err::NoSys;
    case ENOTCONN: return err::NotConn;
    case ENOTDIR: return err::NotDir;
    case ENOTEMPTY: return err::NotEmpty;
    case ENOTRECOVERABLE: return err::NotRecoverable;
    case ENOTSOCK: return err::NotSock;
    case EOPNOTSUPP: return err::NotSup;  // == ENOTSUP on Linux
    case ENOTTY: return err::NoTty;
    case ENXIO: return err::NxIo;
    case EOVERFLOW: return err::Overflow;
    case EOWNERDEAD: return err::OwnerDead;
    case EPERM: return err::Perm;
    case EPIPE: return err::Pipe;
    case EPROTO: return err::Proto;
    case EPROTONOSUPPORT: return err::ProtoNoSupport;
    case EPROTOTYPE: return err::ProtoType;
    case ERANGE: return err::Range;
    case EROFS: return err::RoFs;
    case ESPIPE: return err::SPipe;
    case ESRCH: return err::Srch;
    case ESTALE: return err::Stale;
    case ETIMEDOUT: return err::TimedOut;
    case ETXTBSY: return err::TxtBsy;
    case EXDEV: return err::XDev;
    default: return err::Io;
  }
}

FileType fileTypeOfMode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return FileType::RegularFile;
    case S_IFDIR: return FileType::Directory;
    case S_IFLNK: return FileType::SymbolicLink;
    case S_IFCHR: return FileType::CharacterDevice;
    case S_IFBLK: return FileType::BlockDevice;
    case S_IFSOCK: return FileType::SocketStream;
    default: return FileType::Unknown;  // FIFOs have no WASI type
  }
}

Rights maxRightsFor(FileType t) {
  switch (t) {
    case FileType::Directory: return right::kDirectory;
    case FileType::RegularFile:
    case FileType::BlockDevice: return right::kRegularFile;
    case FileType::SocketStream:
    case FileType::SocketDgram: return right::kSocket;
    default: return right::kStream;
  }
}

Context::Impl::~Impl() {
  for (Descriptor& d : fds)
    if (d.hostFd >= 0 && d.ownsHostFd) ::close(d.hostFd);
}

Errno Context::Impl::reserve() {
  if (openCount >= options.maxOpenFiles) return err::MFile;
  fds.reserve(fds.size() + 1);  // add()'s emplace_back then never allocates
  return err::Success;
}

Errno Context::Impl::add(Descriptor d, uint32_t* guestFd) {
  if (openCount >= options.maxOpenFiles) {
    if (d.ownsHostFd) ::close(d.hostFd);
    return err::MFile;
  }
  uint32_t fd = 0;
  while (fd < fds.size() && fds[fd].hostFd >= 0) ++fd;
  if (fd == fds.size()) fds.emplace_back();
  fds[fd] = std::move(d);
  ++openCount;
  *guestFd = fd;
  return err::Success;
}

void Context::Impl::close(uint32_t fd) {
  Descriptor& d = fds[fd];
  if (d.ownsHostFd) ::close(d.hostFd);
  d = Descriptor{};
  --openCount;
}

namespace {

// A stdio descriptor is a stream the host opened and may share with other
// processes (a shell's file, pipe or terminal): the guest may read stdin,
// write stdout and stderr, poll and stat them, and nothing else. No seek or
// tell (wasi-libc's isatty() also needs their absence on a terminal), no
// truncate, allocate, set-times or advise on the file behind it, and no
// fd_fdstat_set_flags, which would change the shared open file description
// (O_NONBLOCK on a pipe outlives the guest; clearing O_APPEND lets it
// overwrite a log). The rights stay with the descriptor through
// fd_renumber and can only be dropped.
Descriptor stdioDescriptor(int hostFd, bool input) {
  Descriptor d;
  d.hostFd = hostFd;
  d.ownsHostFd = false;
  struct stat st;
  if (::fstat(hostFd, &st) != 0) {
    d.hostFd = -1;  // not open on the host: not open for the guest either
    return d;
  }
  d.type = fileTypeOfMode(st.st_mode);
  d.base = (input ? right::FdRead : right::FdWrite) | right::FdFilestatGet | right::PollFdReadwrite;
  d.inheriting = 0;
  return d;
}

Expected<int> listen(const std::string& spec) {
  size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return makeError("--tcplisten " + spec + ": expected ADDR:PORT");
  std::string host = spec.substr(0, colon), portText = spec.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(portText.c_str(), &end, 10);
  if (portText.empty() || *end || port < 0 || port > 65535)
    return makeError("--tcplisten " + spec + ": bad port \"" + portText + "\"");
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  sockaddr_storage ss = {};
  socklen_t len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(uint16_t(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(uint16_t(port));
    len = sizeof *v6;
  } else {
    return makeError("--tcplisten " + spec + ": \"" + host + "\" is not an IPv4 or IPv6 address");
  }
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return makeError("--tcplisten " + spec + ": " + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, 128) != 0) {
    std::string message = "--tcplisten " + spec + ": " + std::strerror(errno);
    ::close(fd);
    return makeError(std::move(message));
  }
  return fd;
}

}  // namespace

Context::Context(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Context::~Context() = default;

Expected<std::unique_ptr<Context>> Context::create(const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->args = options.args;
  impl->env = options.env;
  for (int fd = 0; fd < 3; ++fd) {
    int host = fd == 0 ? options.stdinFd : fd == 1 ? options.stdoutFd : options.stderrFd;
    impl->fds.push_back(stdioDescriptor(host, fd == 0));
    if (impl->fds.back().hostFd >= 0) ++impl->openCount;
  }
  for (const Preopen& p : options.dirs) {
    const char* flag = p.readOnly ? "--dir-ro " : "--dir ";
    // Readable, so that fd_readdir and fd_sync work on it; a directory that
    // can only be searched still works for paths below it.
    int fd = ::open(p.hostPath.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) fd = ::open(p.hostPath.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return makeError(flag + p.hostPath + ": " + std::strerror(errno));
    Descriptor d;
    d.hostFd = fd;
    d.type = FileType::Directory;
    d.preopen = true;
    d.preopenName = p.guestPath.empty() ? p.hostPath : p.guestPath;
    d.base = right::kDirectory;
    d.inheriting = right::kDirectory | right::kRegularFile;
    if (p.readOnly) {
      d.base &= ~right::kWriting;
      d.inheriting &= ~right::kWriting;
    }
    impl->fds.push_back(std::move(d));
    ++impl->openCount;
  }
  for (const std::string& spec : options.tcpListen) {
    auto fd = listen(spec);
    if (!fd.ok()) return fd.error();
    Descriptor d;
    d.hostFd = *fd;
    d.type = FileType::SocketStream;
    d.base = right::kListener;
    d.inheriting = right::kSocket;
    impl->fds.push_back(std::move(d));
    ++impl->openCount;
  }
  return std::unique_ptr<Context>(new Context(std::move(impl)));
}

void Context::bindMemory(LinearMemory* memory) { impl_->mem.memory = memory; }

namespace {

using ImplFn = uint32_t (*)(Context::Impl&, const Value*);

struct FunctionInfo {
  std::string_view name;
  std::string_view params, results;
  ImplFn impl;
};

constexpr FunctionInfo kFunctions[] = {
#define WASI_FUNCTION(name, params, results) {#name, params, results, &fn::name},
#include "wasi/functions.def"
#undef WASI_FUNCTION
};

FuncType typeOf(const FunctionInfo& f) {
  FuncType t;
  auto valType = [](char c) { return c == 'I' ? ValType::i64() : ValType::i32(); };
  for (char c : f.params) t.params.push_back(valType(c));
  for (char c : f.results) t.results.push_back(valType(c));
  return t;
}

}  // namespace

FuncInst* Context::resolve(Store& store, std::string_view module, std::string_view name) {
  if (module != kModuleName) return nullptr;
  for (const FunctionInfo& f : kFunctions) {
    if (f.name != name) continue;
    Impl* impl = impl_.get();
    ImplFn fnImpl = f.impl;
    bool hasResult = !f.results.empty();
    return store.addHostFunc(
        typeOf(f), [impl, fnImpl, hasResult](std::span<const Value> args, std::span<Value> results) -> Trap {
          // The one boundary between host functions and the engine: a host
          // allocation that fails (every size a guest controls is bounded,
          // so only a host out of memory) is the guest's ENOMEM, never an
          // exception through the engine. Functions allocate before their
          // host call, so a refused call has had no effect.
          uint32_t r;
          try {
            r = fnImpl(*impl, args.data());
          } catch (const std::bad_alloc&) {
            r = err::NoMem;
          } catch (const std::length_error&) {
            r = err::NoMem;
          }
          if (r == kRaiseTrap) return std::exchange(impl->trap, Trap{});
          if (hasResult) results[0] = Value::fromI32(r);
          return Trap{};
        });
  }
  return nullptr;
}

std::vector<std::string_view> functionNames() {
  std::vector<std::string_view> names;
  for (const FunctionInfo& f : kFunctions) names.push_back(f.name);
  return names;
}

}  // namespace wharf::wasi
