// libarchive, opened on first use. Linking it would load it and a dozen
// libraries it needs (xml2, lzma, zstd, ...) at every start, about 4 ms on
// this machine: more than all of `wharf run` of a hello-world image, which
// reads a store that build, pull and load have already unpacked.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "common/expected.h"

namespace wharf::oci {

#define WHARF_ARCHIVE_FUNCTIONS(X)                                                                           \
  X(archive_error_string)                                                                                    \
  X(archive_write_new)                                                                                       \
  X(archive_write_set_format_pax_restricted)                                                                 \
  X(archive_write_set_format_raw) X(archive_write_add_filter_gzip) X(archive_write_set_options)              \
      X(archive_write_set_bytes_in_last_block) X(archive_write_open) X(archive_write_header) X(              \
          archive_write_data) X(archive_write_finish_entry) X(archive_write_close) X(archive_write_free)     \
          X(archive_write_data_block) X(archive_write_disk_new) X(archive_write_disk_set_options) X(         \
              archive_entry_new) X(archive_entry_free) X(archive_entry_clear) X(archive_entry_set_pathname)  \
              X(archive_entry_set_size) X(archive_entry_set_filetype) X(archive_entry_set_perm)              \
                  X(archive_entry_set_mtime) X(archive_entry_set_uid) X(archive_entry_set_gid)               \
                      X(archive_entry_pathname) X(archive_entry_filetype) X(archive_entry_size)              \
                          X(archive_entry_size_is_set) X(archive_entry_perm) X(archive_entry_symlink)        \
                              X(archive_entry_hardlink) X(archive_entry_set_symlink)                         \
                                  X(archive_entry_set_hardlink) X(archive_read_new) X(                       \
                                      archive_read_support_filter_gzip) X(archive_read_support_filter_zstd)  \
                                      X(archive_read_support_filter_none) X(archive_read_support_format_tar) \
                                          X(archive_read_support_format_raw) X(archive_read_open_memory)     \
                                              X(archive_read_open_filename) X(archive_read_next_header)      \
                                                  X(archive_read_data) X(archive_read_data_block)            \
                                                      X(archive_read_data_skip) X(archive_read_free)         \
                                                          X(archive_filter_code) X(archive_filter_count)

struct ArchiveLib {
#define WHARF_ARCHIVE_POINTER(f) decltype(&::f) f;
  WHARF_ARCHIVE_FUNCTIONS(WHARF_ARCHIVE_POINTER)
#undef WHARF_ARCHIVE_POINTER
};

// The library, or why it cannot be used ("libarchive.so.13 is not installed").
Expected<const ArchiveLib*> archiveLib();

}  // namespace wharf::oci
