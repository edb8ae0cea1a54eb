#!/bin/bash
# Depot: gives Payara's admin account the operator's password, or a random one nobody knows, before the
# domain starts. Never a default: payara/server-full is built with admin/admin (its ADMIN_PASSWORD, also
# written to ${PASSWORD_FILE}) and secure admin enabled, so anyone reaching port 4848 could log in.
#
# Where the password comes from, first found wins:
#   1. the file named by DEPOT_ADMIN_PASSWORD_FILE, else /run/secrets/depot-admin-password if present
#      (a Docker secret: docker/compose.yaml mounts one there);
#   2. the environment variable DEPOT_ADMIN_PASSWORD (docker run -e, a Kubernetes secretKeyRef);
#   3. none: a random password that is not shown, so the admin console and remote asadmin stay locked.
# It needs 8 or more characters (Payara's rule), from letters, digits and _.,:/+=@%^- only, because the
# image's start script reads ${PASSWORD_FILE} as shell (source) and asadmin as a properties file.
# A password that is given but unreadable or invalid stops the container: better than a surprise.
#
# The image's entrypoint sources ${SCRIPT_DIR}/init_*.sh in name order before it starts the domain; this
# file is copied there as init_0_depot_admin_password.sh. The Dockerfile also runs it once at build
# time (--image-build), so even the image's own layers never hold a password that works: admin/admin
# is replaced by a random one, and if that fails the build fails. It changes the password in local mode
# (change-admin-password --domain_name, the domain stopped), from the one ${PASSWORD_FILE} holds, then
# stores the new one there (mode 0600) for the image's own asadmin calls (start, stop).
# At a start, a change that fails leaves the account as it was (the build already replaced admin/admin,
# so that is a password someone chose, or a random one) and the start goes on with a warning: the usual
# cause is a password changed in the admin console since, which ${PASSWORD_FILE} does not know; it lasts
# until the container is recreated. DEPOT_ADMIN_PASSWORD and the base image's ADMIN_PASSWORD are
# removed from the environment the server inherits.

depot_admin_password() {
  local build=no
  if [ "${1:-}" = "--image-build" ]; then
    build=yes
  fi
  local secret=${DEPOT_ADMIN_PASSWORD_FILE:-/run/secrets/depot-admin-password}
  local new from
  if [ -n "${DEPOT_ADMIN_PASSWORD_FILE:-}" ] || [ -e "$secret" ]; then
    if [ ! -f "$secret" ] || [ ! -r "$secret" ]; then
      echo "[depot] The admin password file $secret is not a file this user (uid $(id -u)) can read." >&2
      return 1
    fi
    new=$(cat -- "$secret") # without its trailing newlines
    from="the file $secret"
  elif [ -n "${DEPOT_ADMIN_PASSWORD:-}" ]; then
    new=$DEPOT_ADMIN_PASSWORD
    from="DEPOT_ADMIN_PASSWORD"
  else
    new=$(head -c 24 /dev/urandom | base64 | tr -d '\n')
    from=""
  fi
  if ! [[ "$new" =~ ^[A-Za-z0-9_.,:/+=@%^-]{8,}$ ]]; then
    echo "[depot] The admin password from $from is refused: it needs 8 or more characters, only letters, digits and _.,:/+=@%^-" >&2
    return 1
  fi

  local current=""
  if [ -f "${PASSWORD_FILE}" ]; then
    current=$(sed -n 's/^AS_ADMIN_PASSWORD=//p' "${PASSWORD_FILE}" | tail -n 1)
  fi
  if [ "$new" != "$current" ]; then
    local change
    change=$(umask 077 && mktemp)
    printf 'AS_ADMIN_PASSWORD=%s\nAS_ADMIN_NEWPASSWORD=%s\n' "$current" "$new" > "$change"
    "${PAYARA_DIR}/bin/asadmin" --user "${ADMIN_USER}" --passwordfile "$change" \
      change-admin-password --domain_name "${DOMAIN_NAME}" > /dev/null
    local status=$?
    rm -f -- "$change"
    if [ $status -ne 0 ]; then
      echo "[depot] Could not change the password of the admin user ${ADMIN_USER} (asadmin exit status $status)." >&2
      if [ "$build" = yes ]; then
        return 1
      fi
      echo "[depot] WARNING: ${ADMIN_USER} keeps its current password, not the one from ${from:-random}: it no longer is the one ${PASSWORD_FILE} holds (changed in the admin console?). Recreate the container to apply the secret." >&2
      return 0
    fi
    # Keep any other line (e.g. AS_ADMIN_MASTERPASSWORD); replace the admin password.
    local kept
    kept=$(grep -v '^AS_ADMIN_PASSWORD=' "${PASSWORD_FILE}" 2> /dev/null)
    (umask 077 && { [ -n "$kept" ] && printf '%s\n' "$kept"; printf 'AS_ADMIN_PASSWORD=%s\n' "$new"; } > "${PASSWORD_FILE}")
    chmod 600 "${PASSWORD_FILE}"
  fi
  if [ -n "$from" ]; then
    echo "[depot] The admin user ${ADMIN_USER} has the password from $from."
  else
    echo "[depot] No admin password given (DEPOT_ADMIN_PASSWORD_FILE, /run/secrets/depot-admin-password or DEPOT_ADMIN_PASSWORD): the admin user ${ADMIN_USER} has a random password nobody knows; the admin console and remote asadmin are locked."
  fi
}

if ! depot_admin_password "${1:-}"; then
  exit 1
fi
unset -f depot_admin_password
unset DEPOT_ADMIN_PASSWORD ADMIN_PASSWORD
