#!/usr/bin/env bash
# The run command's development account (README, Run it): writes OUT_DIR/post-boot.asadmin, which is
# docker/payara/depot.asadmin plus a file-realm user "dev" in depot-admin and depot-writer, and prints
# the account. The password is made once (random, OUT_DIR/dev-password, mode 600) and kept across runs,
# so a browser or script that signed in keeps working; `mvn clean` forgets it with the rest.
# Run-command only: no image in docker/ has a default credential.
#   dev-account.sh COMMAND_FILE OUT_DIR
set -euo pipefail
command_file=${1:?command file}
out=${2:?output dir}
mkdir -p "$out"
umask 077
if [ ! -s "$out/dev-password" ]; then
  head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$out/dev-password"
fi
password=$(cat "$out/dev-password")
printf 'AS_ADMIN_USERPASSWORD=%s\n' "$password" >"$out/dev-password.asadmin"
{
  cat "$command_file"
  printf '\n# The development account of the run command (src/main/run/dev-account.sh)\n'
  # on a reused root directory the user exists already: replace it, so the password printed is the one in force
  echo "delete-file-user dev"
  echo "create-file-user --groups depot-admin:depot-writer --passwordfile $out/dev-password.asadmin dev"
} >"$out/post-boot.asadmin"
echo "Depot development account: user dev, password $password (in $out/dev-password)"
echo "  curl -u dev:$password -T file.bin http://localhost:8080/depot/api/files/file.bin"
