// wasi_snapshot_preview1 ABI: the numeric values and struct layouts of the
// witx definitions (wasi-libc's <wasi/api.h> asserts the same layouts).
#pragma once

#include <cstdint>

namespace wharf::wasi {

using Errno = uint16_t;
using Rights = uint64_t;

namespace err {
enum : Errno {
  Success = 0,
  TooBig = 1,
  Acces = 2,
  AddrInUse = 3,
  AddrNotAvail = 4,
  AfNoSupport = 5,
  Again = 6,
  Already = 7,
  BadF = 8,
  BadMsg = 9,
  Busy = 10,
  Canceled = 11,
  Child = 12,
  ConnAborted = 13,
  ConnRefused = 14,
  ConnReset = 15,
  DeadLk = 16,
  DestAddrReq = 17,
  Dom = 18,
  DQuot = 19,
  Exist = 20,
  Fault = 21,
  FBig = 22,
  HostUnreach = 23,
  IdRm = 24,
  IlSeq = 25,
  InProgress = 26,
  Intr = 27,
  Inval = 28,
  Io = 29,
  IsConn = 30,
  IsDir = 31,
  Loop = 32,
  MFile = 33,
  MLink = 34,
  MsgSize = 35,
  Multihop = 36,
  NameTooLong = 37,
  NetDown = 38,
  NetReset = 39,
  NetUnreach = 40,
  NFile = 41,
  NoBufs = 42,
  NoDev = 43,
  NoEnt = 44,
  NoExec = 45,
  NoLck = 46,
  NoLink = 47,
  NoMem = 48,
  NoMsg = 49,
  NoProtoOpt = 50,
  NoSpc = 51,
  NoSys = 52,
  NotConn = 53,
  NotDir = 54,
  NotEmpty = 55,
  NotRecoverable = 56,
  NotSock = 57,
  NotSup = 58,
  NoTty = 59,
  NxIo = 60,
  Overflow = 61,
  OwnerDead = 62,
  Perm = 63,
  Pipe = 64,
  Proto = 65,
  ProtoNoSupport = 66,
  ProtoType = 67,
  Range = 68,
  RoFs = 69,
  SPipe = 70,
  Srch = 71,
  Stale = 72,
  TimedOut = 73,
  TxtBsy = 74,
  XDev = 75,
  NotCapable = 76,
};
}  // namespace err

namespace right {
enum : Rights {
  FdDatasync = 1ull << 0,
  FdRead = 1ull << 1,
  FdSeek = 1ull << 2,
  FdFdstatSetFlags = 1ull << 3,
  FdSync = 1ull << 4,
  FdTell = 1ull << 5,
  FdWrite = 1ull << 6,
  FdAdvise = 1ull << 7,
  FdAllocate = 1ull << 8,
  PathCreateDirectory = 1ull << 9,
  PathCreateFile = 1ull << 10,
  PathLinkSource = 1ull << 11,
  PathLinkTarget = 1ull << 12,
  PathOpen = 1ull << 13,
  FdReaddir = 1ull << 14,
  PathReadlink = 1ull << 15,
  PathRenameSource = 1ull << 16,
  PathRenameTarget = 1ull << 17,
  PathFilestatGet = 1ull << 18,
  PathFilestatSetSize = 1ull << 19,
  PathFilestatSetTimes = 1ull << 20,
  FdFilestatGet = 1ull << 21,
  FdFilestatSetSize = 1ull << 22,
  FdFilestatSetTimes = 1ull << 23,
  PathSymlink = 1ull << 24,
  PathRemoveDirectory = 1ull << 25,
  PathUnlinkFile = 1ull << 26,
  PollFdReadwrite = 1ull << 27,
  SockShutdown = 1ull << 28,
  SockAccept = 1ull << 29,
  All = (1ull << 30) - 1,
};
// What each kind of descriptor can do at most. Rights a guest asks for
// beyond these are dropped, as other runtimes do.
constexpr Rights kRegularFile = FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync | FdTell | FdWrite |
                                FdAdvise | FdAllocate | FdFilestatGet | FdFilestatSetSize |
                                FdFilestatSetTimes | PollFdReadwrite;
constexpr Rights kDirectory = FdFdstatSetFlags | FdSync | FdDatasync | PathCreateDirectory | PathCreateFile |
                              PathLinkSource | PathLinkTarget | PathOpen | FdReaddir | PathReadlink |
                              PathRenameSource | PathRenameTarget | PathFilestatGet | PathFilestatSetSize |
                              PathFilestatSetTimes | FdFilestatGet | FdFilestatSetTimes | PathSymlink |
                              PathRemoveDirectory | PathUnlinkFile;
constexpr Rights kSocket =
    FdRead | FdWrite | FdFdstatSetFlags | FdFilestatGet | PollFdReadwrite | SockShutdown;
constexpr Rights kListener = FdFdstatSetFlags | FdFilestatGet | PollFdReadwrite | SockAccept;
constexpr Rights kStream = FdRead | FdWrite | FdFdstatSetFlags | FdFilestatGet | PollFdReadwrite;
// Rights that change the file system: a read-only preopen never grants them.
constexpr Rights kWriting = FdDatasync | FdWrite | FdAllocate | PathCreateDirectory | PathCreateFile |
                            PathLinkSource | PathLinkTarget | PathRenameSource | PathRenameTarget |
                            PathFilestatSetSize | PathFilestatSetTimes | FdFilestatSetSize |
                            FdFilestatSetTimes | PathSymlink | PathRemoveDirectory | PathUnlinkFile;
}  // namespace right

enum class FileType : uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};

namespace fdflag {
enum : uint16_t { Append = 1, Dsync = 2, Nonblock = 4, Rsync = 8, Sync = 16 };
}
namespace oflag {
enum : uint16_t { Creat = 1, Directory = 2, Excl = 4, Trunc = 8 };
}
namespace fstflag {
enum : uint16_t { Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8 };
}
constexpr uint32_t kLookupSymlinkFollow = 1;

enum Whence : uint8_t { WhenceSet = 0, WhenceCur = 1, WhenceEnd = 2 };
enum ClockId : uint32_t { ClockRealtime = 0, ClockMonotonic = 1, ClockProcessCpu = 2, ClockThreadCpu = 3 };
enum EventType : uint8_t { EventClock = 0, EventFdRead = 1, EventFdWrite = 2 };
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventFdHangup = 1;
constexpr uint16_t kRecvPeek = 1, kRecvWaitall = 2;
constexpr uint16_t kRecvDataTruncated = 1;
constexpr uint8_t kShutRd = 1, kShutWr = 2;
constexpr uint16_t kSockNonblock = fdflag::Nonblock;  // sock_accept's flags are fdflags

// Struct sizes and field offsets.
namespace layout {
constexpr uint32_t kIovec = 8;    // buf u32 @0, len u32 @4
constexpr uint32_t kFdstat = 24;  // filetype u8 @0, flags u16 @2, base u64 @8, inheriting u64 @16
constexpr uint32_t kFilestat =
    64;  // dev @0 ino @8 filetype u8 @16 nlink @24 size @32 atim @40 mtim @48 ctim @56
constexpr uint32_t kPrestat = 8;        // tag u8 @0, name_len u32 @4
constexpr uint32_t kDirent = 24;        // next u64 @0, ino u64 @8, namlen u32 @16, type u8 @20
constexpr uint32_t kSubscription = 48;  // userdata u64 @0, tag u8 @8, union @16
constexpr uint32_t kEvent = 32;  // userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24
}  // namespace layout

}  // namespace wharf::wasi
