/*
 * util/sha256.h - SHA-256 (FIPS 180-4), used to check the sha256 pins of
 * plugin files in the config. Small and dependency-free.
 */
#ifndef FS_UTIL_SHA256_H
#define FS_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <fedstate/status.h>

struct fs_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};

void fs_sha256_init(struct fs_sha256 *s);
void fs_sha256_update(struct fs_sha256 *s, const void *p, size_t n);
void fs_sha256_final(struct fs_sha256 *s, unsigned char out[32]);
/* hex digest (65 bytes with NUL) of a whole file; FS_E_IO on read errors */
enum fs_code fs_sha256_file(const char *path, char hex[65]);
/* the same for an open descriptor (borrowed), read with pread from offset
 * 0 to EOF: the file offset is left alone. FS_E_IO (errno set) on errors */
enum fs_code fs_sha256_fd(int fd, char hex[65]);
void fs_sha256_hex(const unsigned char d[32], char hex[65]);

#endif
