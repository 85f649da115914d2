/*
 * testapi/certs.c - test certificates through the openssl command.
 */
#include "certs.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "kube/yaml.h"
#include "util/buf.h"

static const char certs_script[] =
	"set -e\n"
	"cd \"$1\"\n"
	"k='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
	"openssl req -x509 $k -keyout ca.key -out ca.crt -days 1 -subj /CN=fedstate-testapi-ca 2>/dev/null\n"
	"openssl req $k -keyout server.key -out server.csr -subj /CN=fedstate-testapi 2>/dev/null\n"
	"printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext\n"
	"openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile server.ext 2>/dev/null\n"
	"openssl req $k -keyout client.key -out client.csr -subj /O=system:masters/CN=fedstate-test-client 2>/dev/null\n"
	"printf 'extendedKeyUsage=clientAuth\\n' > client.ext\n"
	"openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 1 -extfile client.ext 2>/dev/null\n"
	"rm -f server.csr client.csr server.ext client.ext ca.srl\n";

bool
ta_certs_make(const char *dir, char **err)
{
	mkdir(dir, 0700);
	struct fs_buf b = FS_BUF_INIT;
	fs_buf_printf(&b, "%s/make-certs.sh", dir);
	FILE *f = fopen(b.data, "w");
	if (!f || fputs(certs_script, f) < 0) {
		if (f)
			fclose(f);
		fs_buf_reset(&b);
		fs_buf_printf(&b, "--tls: cannot write into %s", dir);
		*err = fs_buf_detach(&b);
		return false;
	}
	fclose(f);
	struct fs_buf cmd = FS_BUF_INIT;
	fs_buf_printf(&cmd, "sh '%s' '%s'", b.data, dir);
	int rc = system(cmd.data);
	fs_buf_release(&cmd);
	fs_buf_release(&b);
	if (rc != 0) {
		fs_buf_printf(&b, "--tls: making certificates with the openssl command in %s failed (exit %d)", dir, rc);
		*err = fs_buf_detach(&b);
		return false;
	}
	return true;
}

char *
ta_file_base64(const char *path)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len;
	char *err = NULL;
	char *data = fs_kube_read_file(path, &len, &err);
	if (!data) {
		free(err);
		return NULL;
	}
	struct fs_buf b = FS_BUF_INIT;
	const unsigned char *p = (const unsigned char *)data;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		fs_buf_addc(&b, tbl[(v >> 18) & 63]);
		fs_buf_addc(&b, tbl[(v >> 12) & 63]);
		fs_buf_addc(&b, i + 1 < len ? tbl[(v >> 6) & 63] : '=');
		fs_buf_addc(&b, i + 2 < len ? tbl[v & 63] : '=');
	}
	free(data);
	return fs_buf_detach(&b);
}
