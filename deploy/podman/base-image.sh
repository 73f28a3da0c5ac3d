#!/usr/bin/env bash
# A stand-in for node:22-bookworm-slim where no registry is reachable (CI, this project's test
# machines): Debian bookworm (debootstrap --variant=minbase) plus this machine's `node`, `npm`,
# Node's headers (node-gyp cannot download them here) and CA bundle (trusted by Node and npm as on
# the host), imported into podman. Built once and cached; prints the image's name.
# Usage: deploy/podman/base-image.sh   (needs root, debootstrap and podman)
set -euo pipefail
export CONTAINERS_CONF="${CONTAINERS_CONF:-$(cd "$(dirname "$0")" && pwd)/containers.conf}"
node_version="$(node -p process.versions.node)"
# Bump `recipe` when this script changes what goes into the image.
recipe=3
image="localhost/confab-base:bookworm-node${node_version}-r${recipe}"
if podman image exists "$image"; then echo "$image"; exit 0; fi

cache="${CONFAB_IMAGE_CACHE:-/var/cache/confab-image}"
mkdir -p "$cache"
if [ ! -x "$cache/rootfs/usr/bin/apt-get" ]; then
  rm -rf "$cache/rootfs.partial"
  debootstrap --variant=minbase bookworm "$cache/rootfs.partial" http://deb.debian.org/debian >&2
  rm -rf "$cache/rootfs" && mv "$cache/rootfs.partial" "$cache/rootfs"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -a "$cache/rootfs" "$work/rootfs"
root="$work/rootfs"
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
mkdir -p "$root/usr/include"
cp -a /usr/include/node "$root/usr/include/node"
# Beside the system bundle, which installing ca-certificates in a build stage would regenerate.
mkdir -p "$root/usr/local/share/confab"
cp /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/confab/host-ca.crt"
echo "deb http://deb.debian.org/debian bookworm main" > "$root/etc/apt/sources.list"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/confab/host-ca.crt' \
  --change 'ENV npm_config_cafile=/usr/local/share/confab/host-ca.crt' \
  --change 'ENV npm_config_nodedir=/usr' \
  --change 'CMD ["node"]' - "$image" >&2
echo "$image"
