#!/usr/bin/env bash
# Builds a Java 17 runtime base image from Debian's packages, as a tarball in `docker save` format,
# for the gateway's image when no container registry can be reached:
#   sudo deploy/image/base-from-debian.sh /tmp/vegateway-base.tar
#   mvn -B -Pimage -DskipTests package -pl config,catalog,adapter,gateway -Dimage.base=tar:///tmp/vegateway-base.tar
# Needs root, debootstrap and access to a Debian mirror (MIRROR, default the Debian CDN).
set -euo pipefail
out=${1:?usage: base-from-debian.sh OUT.tar}
mirror=${MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$root" "$mirror"
chroot "$root" groupadd --gid 10001 vegateway
chroot "$root" useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vegateway
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
image=$work/image
mkdir "$image"
tar --numeric-owner --xattrs -C "$root" -cf "$image/layer.tar" .
diff_id=$(sha256sum "$image/layer.tar" | cut -d' ' -f1)
java_home=$(dirname "$(dirname "$(readlink -f "$root/usr/bin/java" | sed "s#^$root##")")")
cat > "$image/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home"],"User":"10001:10001"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
cat > "$image/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["vegateway-base:17"],"Layers":["layer.tar"]}]
JSON
tar -C "$image" -cf "$out" manifest.json config.json layer.tar
echo "base image: $out ($(du -h "$out" | cut -f1)), JAVA_HOME $java_home"
