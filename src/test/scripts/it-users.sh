#!/usr/bin/env bash
# Creates the integration tests' realm users (src/test/resources/it-users.txt) for a test server:
#   it-users.sh payara POSTBOOT_IN POSTBOOT_OUT PASSWORD_DIR
#       writes POSTBOOT_OUT: the post-boot command file POSTBOOT_IN plus one create-file-user a user
#       (Payara's file realm; each password in its own file under PASSWORD_DIR, mode 600)
#   it-users.sh asadmin ASADMIN PORT PASSWORD_DIR
#       runs create-file-user against a running Payara Server domain (admin port PORT)
#   it-users.sh wildfly CONFIG_DIR
#       adds the users to CONFIG_DIR's application-users.properties and application-roles.properties
#       (Elytron's ApplicationRealm: HEX(MD5(name:ApplicationRealm:password)), groups become roles)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
users="$here/../resources/it-users.txt"
mode=${1:?payara|asadmin|wildfly}

each_user() { grep -v '^\s*#' "$users" | awk 'NF >= 3 {print $1, $2, $3}'; }

password_file() { # name password dir -> path
  mkdir -p "$3"
  umask 077
  printf 'AS_ADMIN_USERPASSWORD=%s\n' "$2" >"$3/$1.pw"
  echo "$3/$1.pw"
}

case "$mode" in
  payara)
    in=${2:?post-boot file}; out=${3:?output file}; dir=${4:?password dir}
    cp "$in" "$out"
    printf '\n# Test users (src/test/scripts/it-users.sh)\n' >>"$out"
    each_user | while read -r name password groups; do
      echo "create-file-user --groups ${groups//,/:} --passwordfile $(password_file "$name" "$password" "$dir") $name" >>"$out"
    done
    ;;
  asadmin)
    asadmin=${2:?asadmin}; port=${3:?admin port}; dir=${4:?password dir}
    each_user | while read -r name password groups; do
      "$asadmin" --port "$port" --passwordfile "$(password_file "$name" "$password" "$dir")" \
        create-file-user --groups "${groups//,/:}" "$name" >/dev/null
    done
    ;;
  wildfly)
    config=${2:?configuration dir}
    each_user | while read -r name password groups; do
      hash=$(printf '%s:ApplicationRealm:%s' "$name" "$password" | md5sum | cut -d' ' -f1)
      echo "$name=$hash" >>"$config/application-users.properties"
      echo "$name=$groups" >>"$config/application-roles.properties"
    done
    ;;
  *)
    echo "usage: see the head of $0" >&2
    exit 2
    ;;
esac
