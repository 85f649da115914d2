#!/bin/sh
# Writes a throw-away CA, a server certificate for 127.0.0.1/localhost and a
# client certificate into DIR (for the estimator's TLS and mutual-TLS
# tests): ca.pem, server.pem, server-key.pem, client.pem, client-key.pem.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca-key.pem
openssl req -x509 -new -key ca-key.pem -days 2 -subj "/CN=fedstate test CA" -out ca.pem 2>/dev/null
for who in server client; do
	key "$who-key.pem"
	openssl req -new -key "$who-key.pem" -subj "/CN=fedstate test $who" -out "$who.csr" 2>/dev/null
	if [ "$who" = server ]; then
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >ext.cnf
	else
		printf 'extendedKeyUsage=clientAuth\n' >ext.cnf
	fi
	openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
		-days 2 -extfile ext.cnf -out "$who.pem" 2>/dev/null
done
rm -f ./*.csr ext.cnf ca.srl
