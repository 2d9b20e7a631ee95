#!/usr/bin/env bash
# Runs the gateway's image tarball without a container engine, to check what was built: unpacks its
# layers into a folder, runs the image's entry point there (chroot) as the image's user with the demo
# on 127.0.0.1, waits for readiness, mints a dev token with the image's own command line, reads one
# customer over HTTPS, and stops the process by its pid.
#   sudo deploy/image/verify-image.sh gateway/target/vegateway-image.tar
# Needs root (chroot, mount), python3 and curl.
set -euo pipefail
tarball=$(readlink -f "${1:?usage: verify-image.sh IMAGE.tar}")
port=${PORT:-18443}
admin=${ADMIN_PORT:-18444}
work=$(mktemp -d)
root=$work/rootfs
pid=
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  umount "$root/proc" 2>/dev/null || true
  umount "$root/dev" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/image" "$root"
tar -C "$work/image" -xf "$tarball"
# the layers in the manifest's order, each over the ones before
python3 - "$work/image" > "$work/layers" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1] + "/manifest.json"))[0]
for layer in manifest["Layers"]:
    print(layer)
PY
while read -r layer; do tar --warning=no-unknown-keyword -C "$root" -xf "$work/image/$layer"; done < "$work/layers"
read -r user entrypoint < <(python3 - "$work/image" <<'PY'
import json, sys, shlex
folder = sys.argv[1]
manifest = json.load(open(folder + "/manifest.json"))[0]
config = json.load(open(folder + "/" + manifest["Config"]))["config"]
print(config.get("User", "0:0"), " ".join(shlex.quote(part) for part in config["Entrypoint"]))
PY
)
echo "image user $user, entry point: $entrypoint"
mkdir -p "$root/proc" "$root/dev" "$root/tmp"
chmod 1777 "$root/tmp"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cd_and_run="cd /tmp && exec $entrypoint"
chroot --userspec="$user" "$root" /bin/sh -c "$cd_and_run demo --port $port --admin-port $admin --data-dir /tmp/demo" \
  > "$work/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$admin/health/ready" > /dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/gateway.log"; echo "the gateway stopped" >&2; exit 1; fi
  sleep 1
done
curl -sf "http://127.0.0.1:$admin/health/ready"; echo
whoami_in_image=$(chroot --userspec="$user" "$root" /bin/sh -c "id -u")
echo "process uid in the image: $whoami_in_image"
token=$(chroot --userspec="$user" "$root" /bin/sh -c "$cd_and_run token --app 11111111-1111-4111-8111-111111111111 --data-dir /tmp/demo" | tail -1)
curl -sf --insecure -H "Authorization: Bearer $token" -H "MSCRMCallerID: 00000000-0000-4000-8000-000000000005" \
  "https://127.0.0.1:$port/api/data/v9.2/mserp_custcustomerv3entities?\$select=mserp_customeraccount,mserp_name&\$top=1"
echo
echo "the image serves: readiness 200 and one customer read over HTTPS as the demo's System administrator"
